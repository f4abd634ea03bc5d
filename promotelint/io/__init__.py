"""The edge: the only code that touches the disk, the environment or git.

files (the one file reader, the environment, report writing), git (revisions and their files),
sources (what the user points at -> Template), discovery (the services a git range changed),
settings (the user's config), packaged (the rule files, schemas and cfn-lint data we ship or use).
"""
