"""Offline compiler of serverless.yml into the CloudFormation template `serverless package` writes."""
