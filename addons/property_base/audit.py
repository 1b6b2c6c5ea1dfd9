# This file is part of the property-management suite.
"Who changed the state of a record, and when (审计)"
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.transaction import Transaction, without_check_access

from .common import CheckValuesMixin, now


class StateChange(CheckValuesMixin, ModelSQL, ModelView):
    "State Change"
    __name__ = 'property.state.change'
    record = fields.Reference("Record", selection='get_models',
        required=True, readonly=True)
    from_state = fields.Char("From", readonly=True)
    to_state = fields.Char("To", readonly=True)
    user = fields.Many2One('res.user', "User", readonly=True,
        ondelete='RESTRICT')
    date = fields.DateTime("Date", required=True, readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.record, Index.Equality())))
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def get_models(cls):
        pool = Pool()
        IrModel = pool.get('ir.model')
        # one look-up of the names (get_name looks all of them up each call)
        names = IrModel.get_names()
        return [(None, '')] + [(name, names.get(name, name))
            for name, klass in pool.iterobject()
            if issubclass(klass, StateAuditMixin)]

    @classmethod
    def log(cls, changes):
        "Record the changes: (record, from state, to state)"
        user = Transaction().user
        date = now()
        with without_check_access():
            cls.create([{
                        'record': str(record),
                        'from_state': old,
                        'to_state': new,
                        'user': user or None,
                        'date': date,
                        } for record, old, new in changes if old != new])


class StateAuditMixin:
    """Keeps the state changes of the records (who, when, from, to), listed
    on the record"""
    __slots__ = ()
    state_changes = fields.One2Many('property.state.change', 'record',
        "State Changes", readonly=True)

    @classmethod
    def create(cls, vlist):
        records = super().create(vlist)
        Pool().get('property.state.change').log(
            [(r, None, r.state) for r in records])
        return records

    @classmethod
    def write(cls, *args):
        changes = []
        actions = iter(args)
        for records, values in zip(actions, actions):
            if 'state' in values:
                changes.extend(
                    (r, r.state, values['state']) for r in records)
        super().write(*args)
        if changes:
            Pool().get('property.state.change').log(changes)

    @classmethod
    def copy(cls, records, default=None):
        default = dict(default or {})
        default.setdefault('state_changes', None)
        return super().copy(records, default=default)


class FieldCorrection(CheckValuesMixin, ModelSQL, ModelView):
    "Field Correction"
    # A field the suite maintains (e.g. a ticket's information level),
    # corrected by hand by the person responsible: who, when, from, to, why
    __name__ = 'property.field.correction'
    record = fields.Reference("Record", selection='get_models',
        required=True, readonly=True)
    field = fields.Char("Field", required=True, readonly=True)
    old_value = fields.Char("From", readonly=True)
    new_value = fields.Char("To", readonly=True)
    reason = fields.Text("Reason", required=True, readonly=True)
    user = fields.Many2One('res.user', "User", readonly=True,
        ondelete='RESTRICT')
    date = fields.DateTime("Date", required=True, readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.record, Index.Equality())))
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def get_models(cls):
        from .workflow import WorkflowGuardMixin
        pool = Pool()
        IrModel = pool.get('ir.model')
        names = IrModel.get_names()
        return [(None, '')] + [(name, names.get(name, name))
            for name, klass in pool.iterobject()
            if issubclass(klass, WorkflowGuardMixin)]

    @classmethod
    def log(cls, field, changes, reason):
        "Record the corrections of field: (record, old value, new value)"
        user = Transaction().user
        date = now()
        with without_check_access():
            cls.create([{
                        'record': str(record),
                        'field': field,
                        'old_value': old,
                        'new_value': new,
                        'reason': reason,
                        'user': user or None,
                        'date': date,
                        } for record, old, new in changes if old != new])
