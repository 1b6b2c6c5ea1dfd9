# This file is part of the property-management suite.
"""Who changed the state of a record, and when (审计)

One trail for every workflow model of the suite: each ``Workflow`` model
takes ``StateAuditMixin``, which records every write of the state, whichever
way its transitions are called (a button, a scheduled action, another
model), and shows them on its form in the "State Changes" tab
(tests/test_workflow_rpc.py checks that none is left out).

A change is read by who may read its record, as Tryton's attachments and
notes are (``ResourceAccessMixin``): the access to the record's model and
its record rules (its site) decide, so that nobody learns from the trail
of what they cannot see."""
from collections import defaultdict

from trytond.model import Index, Model, ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.transaction import (
    Transaction, inactive_records, without_check_access)

from .common import CheckValuesMixin, now


class StateChange(CheckValuesMixin, ModelSQL, ModelView):
    __name__ = 'property.state.change'
    __string__ = "State Change"
    record = fields.Reference("Record", selection='get_models',
        required=True, readonly=True)
    from_state = fields.Char("From", readonly=True)
    to_state = fields.Char("To", readonly=True)
    from_state_string = fields.Function(fields.Char("From"), 'get_states')
    to_state_string = fields.Function(fields.Char("To"), 'get_states')
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
    def check_access(cls, ids):
        """Refuse the user who may not read the records of the changes
        (their model's access, then their record rules)"""
        pool = Pool()
        ModelAccess = pool.get('ir.model.access')
        Rule = pool.get('ir.rule')
        transaction = Transaction()
        if transaction.user == 0 or not transaction.check_access:
            return
        records = defaultdict(set)
        with without_check_access():
            for change in cls.browse(ids):
                if isinstance(change.record, Model):
                    records[change.record.__name__].add(change.record.id)
        for model, record_ids in records.items():
            ModelAccess.check(model, mode='read')
            Rule.check(model, list(record_ids), mode='read')

    @classmethod
    def read(cls, ids, fields_names):
        cls.check_access(ids)
        return super().read(ids, fields_names)

    @classmethod
    def search(cls, domain, offset=0, limit=None, order=None, count=False,
            query=False):
        """Only the changes of the records the user may read: those of the
        models they have no access to are left out, as those their record
        rules hide (Tryton's ResourceAccessMixin.search)"""
        pool = Pool()
        ModelAccess = pool.get('ir.model.access')
        transaction = Transaction()
        if query or not transaction.user or not transaction.check_access:
            return super().search(domain, offset=offset, limit=limit,
                order=order, count=count, query=query)
        fetched = []
        loop = 0
        changes = super().search(domain, offset=offset, limit=limit,
            order=order)
        while changes:
            with without_check_access():
                changes = cls.browse(changes)
                resources = defaultdict(set)
                for change in changes:
                    if isinstance(change.record, Model):
                        resources[change.record.__name__].add(
                            change.record.id)
            access = ModelAccess.get_access(list(resources))
            allowed = set()
            for model, record_ids in resources.items():
                if access[model]['read']:
                    with inactive_records():
                        allowed.update(str(r) for r in pool.get(model).search(
                                [('id', 'in', list(record_ids))], order=[]))
            fetched.extend(c for c in changes
                if not isinstance(c.record, Model)
                or str(c.record) in allowed)
            if limit is None or len(fetched) >= limit:
                break
            loop += 1
            changes = super().search(domain, offset=offset + loop * limit,
                limit=limit, order=order)
        if limit is not None:
            fetched = fetched[:limit]
        if count:
            return len(fetched)
        return cls.browse(fetched)

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
    def get_states(cls, changes, names):
        "The states as the record's form names them, in the user's language"
        pool = Pool()
        labels = {}
        result = {n: {} for n in names}
        for change in changes:
            model = change.record.__name__ if change.record else None
            if model not in labels:
                labels[model] = {}
                if model:
                    selection = pool.get(model).fields_get(
                        ['state'])['state'].get('selection')
                    if isinstance(selection, list):
                        labels[model] = dict(selection)
            for name in names:
                state = getattr(change, name[:-len('_string')])
                result[name][change.id] = (
                    labels[model].get(state, state) if state else None)
        return result

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
    on the record: its creation in the initial state, then each transition"""
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
    # A field the suite maintains (e.g. a ticket's information level),
    # corrected by hand by the person responsible: who, when, from, to, why
    __name__ = 'property.field.correction'
    __string__ = "Correction"
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
