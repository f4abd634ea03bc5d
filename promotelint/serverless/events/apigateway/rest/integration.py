"""One REST API method's integration: its request templates, request parameters and integration
responses (port of api-gateway/lib/method/integration.js).

The default request templates below are the framework's, byte for byte: a change in them would be
a change of every `lambda` integration method.
"""

from __future__ import annotations


from promotelint.serverless.js import js_string, lodash_merge
from promotelint.serverless.values import js_join, template_literal

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any

_COMMON_TEMPLATE = """
  #define( $loop )
    {
    #foreach($key in $map.keySet())
        #set( $k = $util.escapeJavaScript($key) )
        #set( $v = $util.escapeJavaScript($map.get($key)).replaceAll("\\\\'", "'") )
        "$k":
          "$v"
          #if( $foreach.hasNext ) , #end
    #end
    }
  #end

  {
    "body": $body,
    "method": "$context.httpMethod",
    "principalId": "$context.authorizer.principalId",
    "stage": "$context.stage",

    "cognitoPoolClaims" : {
       extraCognitoPoolClaims
       "sub": "$context.authorizer.claims.sub"
    },

    #set( $map = $context.authorizer )
    "enhancedAuthContext": $loop,

    #set( $map = $input.params().header )
    "headers": $loop,

    #set( $map = $input.params().querystring )
    "query": $loop,

    #set( $map = $input.params().path )
    "path": $loop,

    #set( $map = $context.identity )
    "identity": $loop,

    #set( $map = $stageVariables )
    "stageVariables": $loop,

    "requestPath": "$context.resourcePath"
  }
"""

DEFAULT_JSON_REQUEST_TEMPLATE = """
    #set( $body = $input.json("$") )

    """ + _COMMON_TEMPLATE + """
  """

DEFAULT_FORM_URL_ENCODED_REQUEST_TEMPLATE = """
    #define( $body )
      {
      #foreach( $token in $input.path('$').split('&') )
        #set( $keyVal = $token.split('=') )
        #set( $keyValSize = $keyVal.size() )
        #if( $keyValSize >= 1 )
          #set( $key = $util.escapeJavaScript($util.urlDecode($keyVal[0])) )
          #if( $keyValSize >= 2 )
            #set($val = $util.escapeJavaScript($util.urlDecode($keyVal[1])).replaceAll("\\\\'","'"))
          #else
            #set( $val = '' )
          #end
          "$key": "$val"#if($foreach.hasNext),#end
        #end
      #end
      }
    #end

    """ + _COMMON_TEMPLATE + """
  """


def method_integration(http: dict[str, Any], lambda_logical_id: str,
                       alias_name: str | None) -> dict[str, Any]:
    kind = http.get("integration") or "AWS_PROXY"
    request = http.get("request") if isinstance(http.get("request"), dict) else None
    integration: dict[str, Any] = {"IntegrationHttpMethod": "POST", "Type": kind}
    if kind in ("AWS", "AWS_PROXY"):
        integration["Uri"] = {"Fn::Join": ["", [
            "arn:", {"Ref": "AWS::Partition"}, ":apigateway:", {"Ref": "AWS::Region"},
            ":lambda:path/2015-03-31/functions/", {"Fn::GetAtt": [lambda_logical_id, "Arn"]},
            *([":", alias_name] if alias_name else []), "/invocations",
        ]]}
    elif kind in ("HTTP", "HTTP_PROXY"):
        method = (request or {}).get("method") or http["method"]
        if request and request.get("uri") is not None:
            integration["Uri"] = request["uri"]
        integration["IntegrationHttpMethod"] = js_string(method).upper()
        if http.get("connectionType"):
            integration["ConnectionType"] = http["connectionType"]
            if http.get("connectionId") is not None:
                integration["ConnectionId"] = http["connectionId"]
    if kind in ("AWS", "HTTP", "MOCK"):
        if request and request.get("passThrough") is not None:
            integration["PassthroughBehavior"] = request["passThrough"]
        if request and request.get("contentHandling") is not None:
            integration["ContentHandling"] = request["contentHandling"]
        templates = _request_templates(http, kind == "AWS")
        if templates is not None:
            integration["RequestTemplates"] = templates
        integration["IntegrationResponses"] = _integration_responses(http)
    if (kind in ("AWS", "HTTP", "HTTP_PROXY") and request
            and isinstance(request.get("parameters"), dict) and request["parameters"]) \
            or http.get("async"):
        integration["RequestParameters"] = _integration_request_parameters(http)
    return {"Properties": {"Integration": integration}}


def response_headers(http: dict[str, Any]) -> dict[str, Any]:
    """The headers every response of the method sets: the CORS ones and `response.headers`."""
    headers: dict[str, Any] = {}
    cors = http.get("cors")
    if cors:
        origin = cors.get("origin")
        if cors.get("origins"):
            origin = js_join(cors["origins"], ",")
        headers["Access-Control-Allow-Origin"] = template_literal("'", origin, "'")
        # only set when explicitly allowed (omitted if false)
        if cors.get("allowCredentials"):
            headers["Access-Control-Allow-Credentials"] = "true"
    response_headers = http["response"].get("headers")
    if isinstance(response_headers, dict):
        lodash_merge(headers, response_headers)
    return headers


def _integration_responses(http: dict[str, Any]) -> list[dict[str, Any]]:
    responses: list[dict[str, Any]] = []
    response = http.get("response")
    if not isinstance(response, dict):
        return responses
    headers = response_headers(http)
    for status_code, config in (response.get("statusCodes") or {}).items():
        config = config if isinstance(config, dict) else {}
        item: dict[str, Any] = {
            "StatusCode": status_code,
            "SelectionPattern": config.get("pattern") or "",
            "ResponseParameters": {f"method.response.header.{h}": v for h, v in headers.items()},
            "ResponseTemplates": {},
        }
        if str(status_code).startswith("2") and response.get("contentHandling") is not None:
            item["ContentHandling"] = response["contentHandling"]
        if isinstance(config.get("headers"), dict):
            lodash_merge(item["ResponseParameters"], {f"method.response.header.{h}": v
                                               for h, v in config["headers"].items()})
        if response.get("template"):
            lodash_merge(item["ResponseTemplates"], {"application/json": response["template"]})
        template = config.get("template")
        if template:
            lodash_merge(item["ResponseTemplates"],
                  {"application/json": template} if isinstance(template, str) else template)
        responses.append(item)
    return responses


def _request_templates(http: dict[str, Any], use_defaults: bool) -> dict[str, Any] | None:
    templates: dict[str, Any] = {}
    if use_defaults:
        templates["application/json"] = DEFAULT_JSON_REQUEST_TEMPLATE
        templates["application/x-www-form-urlencoded"] = DEFAULT_FORM_URL_ENCODED_REQUEST_TEMPLATE
    request = http.get("request")
    if isinstance(request, dict) and isinstance(request.get("template"), dict):
        for content_type, template in request["template"].items():
            if template is None:
                templates.pop(content_type, None)
            else:
                templates[content_type] = template
    return templates or None


def _integration_request_parameters(http: dict[str, Any]) -> dict[str, Any]:
    parameters: dict[str, Any] = {}
    request = http.get("request")
    if isinstance(request, dict) and isinstance(request.get("parameters"), dict):
        for key, value in request["parameters"].items():
            mapped = value.get("mappedValue") if isinstance(value, dict) else None
            parameters[f"integration.{key[len('method.'):]}"] = mapped or key
    if http.get("async"):
        parameters["integration.request.header.X-Amz-Invocation-Type"] = "'Event'"
    return parameters
