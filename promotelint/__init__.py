"""promotelint: predict the CloudFormation change set of a promotion offline and stop dangerous ones."""

__version__ = "0.1.0"
