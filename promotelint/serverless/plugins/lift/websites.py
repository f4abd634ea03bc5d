"""lift's `static-website` and `single-page-app`: a port of dist/src/constructs/aws/
abstracts/StaticWebsiteAbstract.js, StaticWebsite.js and SinglePageApp.js (lift 1.37.7), with what
aws-cdk-lib 2.276's Bucket, CloudFront Distribution, S3Origin and Function render for them.

A static website's bucket is a public S3 website (the distribution reads it over HTTP); a
single-page app's bucket is private, read through an origin access identity. Both buckets are
RemovalPolicy.DESTROY: their content is a build, kept elsewhere.
"""

from __future__ import annotations

import json

from promotelint.serverless.js import js_string
from promotelint.serverless.plugins.lift.cdk import ensure_name_max_length, get_att, make_unique_id, ref
from promotelint.serverless.plugins.lift.constructs import Construct, Lift, LiftError, bucket_policy

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any

_CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
_SPA_REQUEST = """var REDIRECT_REGEX = /^[^.]+$|\\.(?!(css|gif|ico|jpg|jpeg|js|png|txt|svg|woff|woff2|ttf|map|json|webp|xml|pdf|webmanifest|avif|wasm|lottie)$)([^.]+$)/;

function handler(event) {
    var uri = event.request.uri;
    var request = event.request;
    var isUriToRedirect = REDIRECT_REGEX.test(uri);

    if (isUriToRedirect) {
        request.uri = "/index.html";
    }%s

    return event.request;
}"""


def _redirect_to_main_domain(domains: list[str] | None) -> str:
    """classes/cloudfrontFunctions.js redirectToMainDomain."""
    if domains is None or len(domains) < 2:
        return ""
    main = domains[0]
    return f"""
    if (request.headers["host"].value !== "{main}") {{
        return {{
            statusCode: 301,
            statusDescription: "Moved Permanently",
            headers: {{
                location: {{
                    value: "https://{main}" + request.uri
                }}
            }}
        }};
    }}"""


def _function(lift: Lift, cid: str, name: str, suffix: str, code: str) -> str:
    """A cloudfront.Function (its comment defaults to its name)."""
    stack = lift.stack
    function_name = ensure_name_max_length(f"{stack.name}-{stack.region}-{cid}-{suffix}", 64)
    return stack.resource((cid, name, "Resource"), "AWS::CloudFront::Function", {
        "AutoPublish": True, "FunctionCode": code,
        "FunctionConfig": {"Comment": function_name, "Runtime": "cloudfront-js-1.0"}, "Name": function_name})


def _error_path(cid: str, config: dict[str, Any]) -> str | None:
    error_page = config.get("errorPage")
    if error_page is None:
        return None
    error_page = js_string(error_page)
    if error_page.startswith("./") or error_page.startswith("../"):
        raise LiftError(f"The 'errorPage' option of the '{cid}' static website cannot start with './' or '../'. "
                        "(it cannot be a relative path).", ("constructs", cid, "errorPage"))
    return error_page if error_page.startswith("/") else f"/{error_page}"


def _response_code(config: dict[str, Any]) -> str:
    headers = {"x-frame-options": {"value": "SAMEORIGIN"}, "x-content-type-options": {"value": "nosniff"},
               "x-xss-protection": {"value": "1; mode=block"},
               "strict-transport-security": {"value": "max-age=63072000"}}
    security = config.get("security")
    if isinstance(security, dict) and security.get("allowIframe") is True:
        del headers["x-frame-options"]
    return f"""function handler(event) {{
    var response = event.response;
    response.headers = Object.assign({{}}, {json.dumps(headers, indent=4)}, response.headers);
    return response;
}}"""


def static_website(lift: Lift, cid: str, config: dict[str, Any]) -> Construct:
    return _website(lift, cid, config, spa=False)


def single_page_app(lift: Lift, cid: str, config: dict[str, Any]) -> Construct:
    return _website(lift, cid, config, spa=True)


def _website(lift: Lift, cid: str, config: dict[str, Any], *, spa: bool) -> Construct:
    stack = lift.stack
    error_path = _error_path(cid, config)
    properties: dict[str, Any] = {}
    if config.get("versionedAssets") is True:
        properties["LifecycleConfiguration"] = {"Rules": [{"ExpirationInDays": 1, "Status": "Enabled",
                                                           "TagFilters": [{"Key": "Obsolete", "Value": "true"}]}]}
    if not spa:
        properties["PublicAccessBlockConfiguration"] = {"BlockPublicAcls": False, "BlockPublicPolicy": False,
                                                        "IgnorePublicAcls": False, "RestrictPublicBuckets": False}
        website = {"IndexDocument": "index.html"}
        if error_path is not None:
            website["ErrorDocument"] = error_path
        properties["WebsiteConfiguration"] = website
    bucket = stack.resource((cid, "Bucket", "Resource"), "AWS::S3::Bucket", properties, policy="Delete")
    origin_id = make_unique_id((cid, "CDN", "Origin1"))
    identity_path = (cid, "CDN", "Origin1", "S3Origin", "Resource")
    # publicReadAccess (a website), or the read S3Origin.bind grants the origin access identity
    principal = get_att(make_unique_id(identity_path), "S3CanonicalUserId") if spa else None
    bucket_policy(stack, cid, bucket, [{"Action": "s3:GetObject", "Effect": "Allow",
                                        "Principal": {"CanonicalUser": principal} if spa else {"AWS": "*"},
                                        "Resource": {"Fn::Join": ["", [get_att(bucket, "Arn"), "/*"]]}}])
    domain = config.get("domain")
    domains = None
    if isinstance(domain, (str, list)) and len(domain) > 0:  # `domain.length > 0`
        domains = list(domain) if isinstance(domain, list) else [domain]  # _.flatten([domain])
    certificate = config.get("certificate")
    if certificate == "":
        certificate = None
    if domains is not None and certificate is None:
        raise LiftError(f"Invalid configuration for the static website '{cid}': if a domain is configured, then a "
                        "certificate ARN must be configured in the 'certificate' option.", ("constructs", cid))
    response = _function(lift, cid, "ResponseFunction", "response", _response_code(config))
    if spa:
        identity = stack.resource(identity_path, "AWS::CloudFront::CloudFrontOriginAccessIdentity",
                                  {"CloudFrontOriginAccessIdentityConfig": {"Comment": f"Identity for {origin_id}"}})
        origin = {"DomainName": get_att(bucket, "RegionalDomainName"), "Id": origin_id, "S3OriginConfig": {
            "OriginAccessIdentity": {"Fn::Join": ["", ["origin-access-identity/cloudfront/", ref(identity)]]}}}
    else:
        origin = {"CustomOriginConfig": {"OriginProtocolPolicy": "http-only", "OriginSSLProtocols": ["TLSv1.2"]},
                  "DomainName": {"Fn::Select": [2, {"Fn::Split": ["/", get_att(bucket, "WebsiteURL")]}]},
                  "Id": origin_id}
    associations = [{"EventType": "viewer-response", "FunctionARN": get_att(response, "FunctionARN")}]
    distribution: dict[str, Any] = {}
    if domains is not None:
        distribution["Aliases"] = domains
    distribution.update({
        "Comment": f"{stack.name} {cid} website CDN",
        "CustomErrorResponses": [{"ErrorCachingMinTTL": 0, "ErrorCode": 404,
                                  "ResponseCode": 200 if error_path is None else 404,
                                  "ResponsePagePath": "/index.html" if error_path is None else error_path}],
        "DefaultCacheBehavior": {"AllowedMethods": ["GET", "HEAD", "OPTIONS"], "CachePolicyId": _CACHING_OPTIMIZED,
                                 "Compress": True, "FunctionAssociations": associations,
                                 "TargetOriginId": origin_id, "ViewerProtocolPolicy": "redirect-to-https"},
        "DefaultRootObject": "index.html", "Enabled": True, "HttpVersion": "http2", "IPV6Enabled": True,
        "Origins": [origin]})
    if certificate is not None:
        distribution["ViewerCertificate"] = {"AcmCertificateArn": certificate,
                                             "MinimumProtocolVersion": "TLSv1.2_2021", "SslSupportMethod": "sni-only"}
    cdn = stack.resource((cid, "CDN", "Resource"), "AWS::CloudFront::Distribution",
                         {"DistributionConfig": distribution})
    stack.output((cid, "BucketName"), ref(bucket), "Name of the bucket that stores the static website.")
    stack.output((cid, "Domain"), domains[0] if domains is not None else get_att(cdn, "DomainName"),
                 "Website domain name.")
    stack.output((cid, "CloudFrontCName"), get_att(cdn, "DomainName"), "CloudFront CNAME.")
    stack.output((cid, "DistributionId"), ref(cdn), "ID of the CloudFront distribution.")
    redirect = _redirect_to_main_domain(domains) if config.get("redirectToMainDomain") is True else ""
    if spa or redirect:
        code = (_SPA_REQUEST % redirect if spa else
                f"function handler(event) {{\n    var request = event.request;{redirect}\n    return request;\n}}")
        request = _function(lift, cid, "RequestFunction", "request", code)
        # the distribution's FunctionAssociations overridden with the request function added
        associations.append({"EventType": "viewer-request", "FunctionARN": get_att(request, "FunctionARN")})
    return Construct(variables={"cname": get_att(cdn, "DomainName"), "assetsBucketName": ref(bucket)},
                     extensions={"distribution": cdn, "bucket": bucket})
