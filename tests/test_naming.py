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
