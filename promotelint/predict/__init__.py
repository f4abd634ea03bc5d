"""Predict the change set CloudFormation would compute between a deployed template and a new one.

    predict(base, head, catalog, options) -> StackChangeSet

diff (resources, properties, cascades, outputs), intrinsics (what is knowable offline), validate
(an invalid template is refused), renames (a removal and an addition that look like one rename).
Pure functions over Templates and the resource Catalog: nothing here reads a file.
"""

from promotelint.predict.diff import PredictOptions, predict

__all__ = ["PredictOptions", "predict"]
