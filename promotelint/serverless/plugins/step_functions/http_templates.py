"""The request templates of a state machine's REST API method (deploy/events/apiGateway/methods.js),
byte for byte: a change in them would be a change of every such method. `${StateMachineArn}` and
`${AccountId}` are filled in by Fn::Sub."""

from __future__ import annotations

_PROXY_TEMPLATE = (
    '\n'
    '  \n'
    '  #define( $loop )\n'
    '  {\n'
    '    #foreach($key in $map.keySet())\n'
    '      #set( $k = $util.escapeJavaScript($key) )\n'
    '      #set( $v = $util.escapeJavaScript($map.get($key)).replaceAll("\\\\\'", "\'") )\n'
    '      "$k":\n'
    '        #if ("$v" == "")\n'
    '          null\n'
    '        #else\n'
    '          "$v"\n'
    '        #end\n'
    '        #if( $foreach.hasNext ) , #end\n'
    '    #end\n'
    '  }\n'
    '  #end\n'
    '  #define( $smInput )\n'
    '  {\n'
    '    "resource": "$context.resourcePath",\n'
    '    "path": "$context.path",\n'
    '    "httpMethod": "$context.httpMethod",\n'
    '    #set( $map = $input.params().header )\n'
    '    "headers": $loop,\n'
    '\n'
    '    #if ($input.params().querystring.size() == 0)\n'
    '    "queryStringParameters": null,\n'
    '    #else\n'
    '    #set( $map = $input.params().querystring )\n'
    '    "queryStringParameters": $loop,\n'
    '    #end\n'
    '\n'
    '    #if ($input.params().path.size() == 0)\n'
    '    "pathParameters": null,\n'
    '    #else\n'
    '    #set( $map = $input.params().path )\n'
    '    "pathParameters": $loop,\n'
    '    #end\n'
    '\n'
    '    #if ($stageVariables.size() == 0)\n'
    '    "stageVariables": null,\n'
    '    #else\n'
    '    #set( $map = $stageVariables )\n'
    '    "stageVariables": $loop,\n'
    '    #end\n'
    '\n'
    '    "requestContext": {\n'
    '      "resourceId": "$context.resourceId",\n'
    '      "resourcePath": "$context.resourcePath",\n'
    '      "httpMethod": "$context.httpMethod",\n'
    '      "extendedRequestId": "$context.extendedRequestId",\n'
    '      "requestTime": "$context.requestTime",\n'
    '      "path": "$context.path",\n'
    '      "accountId": "${AccountId}",\n'
    '      "protocol": "$context.protocol",\n'
    '      "stage": "$context.stage",\n'
    '      "domainPrefix": "$context.domainPrefix",\n'
    '      "requestTimeEpoch": $context.requestTimeEpoch,\n'
    '      "requestId": "$context.requestId",\n'
    '      #set( $map = $context.identity )\n'
    '      "identity": $loop,\n'
    '      "domainName": "$context.domainName",\n'
    '      #set( $map = $context.authorizer )\n'
    '      "authorizer": $loop,\n'
    '      "apiId": "$context.apiId"\n'
    '    },\n'
    '    "body": "$util.escapeJavaScript("$body").replaceAll("\\\\\'", "\'")",\n'
    '    "isBase64Encoded": false\n'
    '  }\n'
    '  #end\n'
    '  {\n'
    '    "input": "$util.escapeJavaScript("$smInput").replaceAll("\\\\\'", "\'")",\n'
    '    "name":"$context.requestId",\n'
    '    "stateMachineArn":"${StateMachineArn}"\n'
    '  }'
)

_JSON_BODY = (
    '\n'
    '  #set( $body = $input.body )'
)

_FORM_BODY = (
    '\n'
    '  #define( $body )\n'
    '    {\n'
    "    #foreach( $token in $input.path('$').split('&') )\n"
    "      #set( $keyVal = $token.split('=') )\n"
    '      #set( $keyValSize = $keyVal.size() )\n'
    '      #if( $keyValSize >= 1 )\n'
    '        #set( $key = $util.escapeJavaScript($util.urlDecode($keyVal[0])) )\n'
    '        #if( $keyValSize >= 2 )\n'
    '          #set($val = $util.escapeJavaScript($util.urlDecode($keyVal[1])).replaceAll("\\\\\'","\'"))\n'
    '        #else\n'
    "          #set( $val = '' )\n"
    '        #end\n'
    '        "$key": "$val"#if($foreach.hasNext),#end\n'
    '      #end\n'
    '    #end\n'
    '    }\n'
    '  #end'
)

_DEFAULT_TEMPLATE = (
    '\n'
    '#set( $body = $util.escapeJavaScript($input.json(\'$\')).replaceAll("\\\\\'", "\'") )\n'
    '{"input": "$body", "name": "$context.requestId", "stateMachineArn":"${StateMachineArn}"}'
)

# `request.template: lambda_proxy`: the event a Lambda proxy integration would get, as the execution's input.
LAMBDA_PROXY_TEMPLATES = {
    "application/json": _JSON_BODY + _PROXY_TEMPLATE,
    "application/x-www-form-urlencoded": _FORM_BODY + _PROXY_TEMPLATE,
}
# The default: the request body as the execution's input.
DEFAULT_TEMPLATE = _DEFAULT_TEMPLATE
