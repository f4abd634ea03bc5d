"""Serverless Framework v3 variables: the syntax (parse) and its offline resolution (resolve)."""
