import pytest

from promotelint.serverless import naming


def test_function_names_replace_dashes_and_underscores():
    assert naming.get_lambda_logical_id("my-func_v2") == "MyDashfuncUnderscorev2LambdaFunction"
    assert naming.get_log_group_logical_id("hello") == "HelloLogGroup"
    assert naming.get_lambda_version_logical_id("hello", "ab+/c=1") == "HelloLambdaVersionabc1"


def test_alphanumeric_names_drop_other_characters():
    assert naming.get_bucket_logical_id("my.bucket-name") == "S3BucketMybucketname"
    assert naming.get_queue_logical_id("worker", "my-queue") == "WorkerEventSourceMappingSQSMyqueue"
    assert naming.get_stream_logical_id("fn", "DynamoDB", "table_1") == "FnEventSourceMappingDynamoDBTable1"


def test_path_parts_name_variables_and_dashes():
    assert naming.normalize_path("users/{id}/my-items") == "UsersIdVarMyDashitems"
    assert naming.normalize_path_part("HELLO") == "Hello"


def test_lodash_word_helpers():
    assert naming.to_start_case("application/json") == "ApplicationJson"
    assert naming.camel_case("my-schema_id") == "mySchemaId"
    assert naming.camel_case("fooBar") == "fooBar"
    assert naming.to_start_case("XMLHttpRequest") == "XMLHttpRequest"


def test_stack_name_and_role_name():
    assert naming.get_stack_name("svc", "dev", {}) == "svc-dev"
    assert naming.get_stack_name("svc", "dev", {"stackName": "custom"}) == "custom"
    assert naming.get_role_name("svc", "dev", {"iam": {"role": {"name": "r"}}}) == "r"
    assert naming.get_role_name("svc", "dev", {})["Fn::Join"][1][3] == "lambdaRole"


# _.startCase(s).replace(/\s+/g, '') and _.camelCase(s) as lodash 4.17 (the framework's) computes them.
LODASH_CASES = [
    ("application/json", "ApplicationJson", "applicationJson"),
    ("application/x-www-form-urlencoded", "ApplicationXWwwFormUrlencoded", "applicationXWwwFormUrlencoded"),
    ("text/plain; charset=utf-8", "TextPlainCharsetUtf8", "textPlainCharsetUtf8"),
    ("fooBar", "FooBar", "fooBar"),
    ("FOO_BAR", "FOOBAR", "fooBar"),
    ("XMLHttpRequest", "XMLHttpRequest", "xmlHttpRequest"),
    ("my-schema_id", "MySchemaId", "mySchemaId"),
    ("schema1v2", "Schema1V2", "schema1V2"),
    ("1st place", "1stPlace", "1stPlace"),
    ("user 2nd", "User2nd", "user2nd"),
    ("abc123def", "Abc123Def", "abc123Def"),
    ("CreateUserRequest", "CreateUserRequest", "createUserRequest"),
    ("create-user.v2", "CreateUserV2", "createUserV2"),
    ("A", "A", "a"),
    ("__x__", "X", "x"),
    ("helloWorld99Times", "HelloWorld99Times", "helloWorld99Times"),
    ("HTTPServer", "HTTPServer", "httpServer"),
    ("v1.0.0", "V100", "v100"),
    ("image/*", "Image", "image"),
    ("*/*", "", ""),
    ("ÄpfelÜber", "ApfelUber", "apfelUber"),
    ("snake_case_name", "SnakeCaseName", "snakeCaseName"),
    ("kebab-case-name", "KebabCaseName", "kebabCaseName"),
    ("dot.case.name", "DotCaseName", "dotCaseName"),
    ("with space", "WithSpace", "withSpace"),
    ("UPPER lower", "UPPERLower", "upperLower"),
    ("lowerUPPER", "LowerUPPER", "lowerUpper"),
    ("a1B2c3", "A1B2C3", "a1B2C3"),
]


@pytest.mark.parametrize("text, start_case, camel_case", LODASH_CASES)
def test_lodash_case_helpers_match_lodash(text, start_case, camel_case):
    assert naming.to_start_case(text) == start_case
    assert naming.camel_case(text) == camel_case
