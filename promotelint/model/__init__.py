"""The plain data every stage shares: templates, change sets, findings, settings, errors.

Records (frozen, see record.py) and the few pure functions that define their meaning. Nothing
here touches the disk, the environment or git, and nothing here imports another stage.
"""
