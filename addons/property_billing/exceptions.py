# This file is part of the property-management suite.
"The exceptions of the billing"
from trytond.transaction import TransactionError


class BillingConflict(TransactionError):
    """Another run committed lines of the batch meanwhile: start the batch
    over on a fresh snapshot, which sees and skips them"""
