# This file is part of the property-management suite.
"""Workflow states change only through the workflow

Staff (and the administrator: every user but root) talk to the server over
RPC, as the web client does. Over RPC a workflow record

- is created only in its initial state;
- never gets its ``state`` written: the buttons move it, and they run
  without the caller's access check (``@ModelView.button``), as wizards do;
- never gets written a field the suite maintains itself (numbers,
  deadlines, breach flags, reply and done times, ...): each model lists
  them in ``_maintained_fields``;
- never gets written a field its form shows read-only in the record's
  state (the ``readonly`` of the field's ``states``), e.g. the information
  level of a ticket once opened.

Corrections of such fields, where the office allows them, are made by the
person responsible through a button or a wizard, and recorded
(``property.field.correction``).

The checks are made by ``RpcCheck``, registered as a mixin of every stored
model (tryton.cfg, ``register_mixin``): it wraps the model's own
``create``, ``write`` and ``copy``, sees the values as the caller sent them
(also those of the records created or written through x2many fields), and
leaves to the suite what the called code does in turn.

``RpcCheck`` also refuses, on SQLite, links to records that do not exist,
as PostgreSQL does with its foreign keys: Tryton does not declare foreign
keys in SQLite's tables (``TableHandler.add_fk`` does nothing there)."""
import functools
import weakref

from trytond import backend
from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import fields
from trytond.model.exceptions import AccessError
from trytond.model.modelsql import ForeignKeyError
from trytond.model.modelstorage import _record_eval_pyson
from trytond.pool import Pool
from trytond.tools import grouped_slice, reduce_ids
from trytond.transaction import Transaction, without_check_access

from .common import clock, office_date

_EMPTY = (None, False, '', (), [])
# The links of each model class (of each pool) that SQLite must check
_REFERENCES = weakref.WeakKeyDictionary()


def external_call():
    "Whether the current call comes from a user over RPC"
    transaction = Transaction()
    return bool(transaction.user and transaction.check_access)


class WorkflowGuardMixin:
    """A model with a workflow: its state and the fields listed in
    _maintained_fields are the suite's, not the caller's"""
    __slots__ = ()
    # Stored fields that the suite computes or sets in its buttons and
    # scheduled actions; never written over RPC
    _maintained_fields = ()

    @classmethod
    def initial_state(cls):
        "The state a record is created in"
        if hasattr(cls, 'default_state'):
            return cls.default_state()
        return cls._fields['state'].selection[0][0]

    @classmethod
    def _guard_field_name(cls, name):
        "The field's label in the reader's language, as the form shows it"
        if name not in cls._fields:
            return name
        return cls.fields_get([name]).get(name, {}).get('string', name)

    @classmethod
    def _guard_model_name(cls):
        "The model's name in the reader's language"
        return Pool().get('ir.model').get_name(cls.__name__)

    @classmethod
    def _guard_create(cls, vlist):
        initial = cls.initial_state()
        for values in vlist:
            if not isinstance(values, dict):
                continue
            state = values.get('state')
            if state not in _EMPTY and state != initial:
                raise AccessError(gettext(
                        'property_base.msg_workflow_create_state',
                        model=cls._guard_model_name(),
                        state=cls._state_string(state),
                        initial=cls._state_string(initial)))
            for name in cls._maintained_fields:
                value = values.get(name)
                if value in _EMPTY:
                    continue
                default = getattr(cls, 'default_' + name, None)
                if default is not None and value == default():
                    continue
                raise AccessError(gettext(
                        'property_base.msg_workflow_maintained_field',
                        field=cls._guard_field_name(name),
                        model=cls._guard_model_name()))

    @classmethod
    def _guard_write(cls, records, values):
        if 'state' in values:
            raise AccessError(gettext(
                    'property_base.msg_workflow_write_state',
                    model=cls._guard_model_name()))
        for name in cls._maintained_fields:
            if name in values:
                raise AccessError(gettext(
                        'property_base.msg_workflow_maintained_field',
                        field=cls._guard_field_name(name),
                        model=cls._guard_model_name()))
        readonly = [(name, field.states['readonly'])
            for name, field in cls._fields.items()
            if name in values and field.states.get('readonly')]
        if not readonly:
            return
        with without_check_access():
            for record in cls.browse(records):
                for name, pyson in readonly:
                    if _record_eval_pyson(record, pyson):
                        raise AccessError(gettext(
                                'property_base.msg_workflow_readonly_field',
                                field=cls._guard_field_name(name),
                                model=cls._guard_model_name(),
                                record=record.rec_name,
                                state=cls._state_string(
                                    getattr(record, 'state', None))))

    @classmethod
    def _state_string(cls, state):
        if not isinstance(state, str):
            return repr(state)[:40]
        field = cls._fields.get('state')
        if isinstance(field, fields.Selection) and isinstance(
                field.selection, (list, tuple)):
            # the label in the reader's language, as the form shows it
            selection = cls.fields_get(['state']).get('state', {}).get(
                'selection', field.selection)
            return dict(selection).get(state, state)
        return state


def _guard_nested(Model, values):
    "Check the records created and written through the x2many fields"
    for name, value in values.items():
        field = Model._fields.get(name)
        if (not isinstance(field, (fields.One2Many, fields.Many2Many))
                or not isinstance(value, (list, tuple))):
            continue
        Target = field.get_target()
        for action in value:
            if not isinstance(action, (list, tuple)) or not action:
                continue
            if action[0] == 'create' and len(action) > 1:
                _guard(Target, 'create', action[1])
            elif action[0] == 'write' and len(action) > 1:
                actions = iter(action[1:])
                args = []
                for ids, vals in zip(actions, actions):
                    args.extend([Target.browse(ids), vals])
                _guard(Target, 'write', args)


def _guard(Model, mode, args):
    """Check what an RPC caller sends to create (args: the values) or write
    (args: records, values, ...)"""
    if mode == 'create':
        if issubclass(Model, WorkflowGuardMixin):
            Model._guard_create(args)
        for values in args:
            if isinstance(values, dict):
                _guard_nested(Model, values)
    else:
        actions = iter(args)
        for records, values in zip(actions, actions):
            if issubclass(Model, WorkflowGuardMixin):
                Model._guard_write(records, values)
            _guard_nested(Model, values)


class RpcCheck:
    """Registered as a mixin of every model stored in a table (tryton.cfg,
    register_mixin): it wraps the model's own create, write and copy

    - over RPC, the values the caller sends (with those of the records it
      creates and writes through the x2many fields) respect the workflow
      of the WorkflowGuardMixin models; what the called code does in turn
      (a return visit marks its ticket visited) is the suite's own;
    - on SQLite, links to records that do not exist are refused with the
      error PostgreSQL's foreign keys give: Tryton does not declare foreign
      keys in SQLite's tables (its TableHandler.add_fk does nothing)"""
    __slots__ = ()

    @classmethod
    def _rpc_entry(cls):
        "Whether this call is the caller's own, not the suite's code"
        return external_call() and not Transaction().context.get(
            '_property_rpc_checked')

    @classmethod
    def create(cls, vlist):
        cls._check_references(vlist)
        if cls._rpc_entry():
            _guard(cls, 'create', vlist)
            with Transaction().set_context(_property_rpc_checked=True):
                return super().create(vlist)
        return super().create(vlist)

    @classmethod
    def write(cls, *args):
        cls._check_references(args[1::2])
        if cls._rpc_entry():
            _guard(cls, 'write', args)
            with Transaction().set_context(_property_rpc_checked=True):
                return super().write(*args)
        return super().write(*args)

    @classmethod
    def copy(cls, records, default=None):
        if (issubclass(cls, WorkflowGuardMixin) and cls._rpc_entry()):
            # A copy is a new record: in the initial state, without the
            # figures the suite maintains
            default = dict(default or {})
            default.setdefault('state', cls.initial_state())
            for name in cls._maintained_fields:
                field = cls._fields[name]
                if isinstance(field, (fields.One2Many, fields.Many2Many)):
                    continue
                method = getattr(cls, 'default_' + name, None)
                default.setdefault(name, method() if method else None)
        return super().copy(records, default=default)

    @classmethod
    def _reference_fields(cls):
        "{field name: target model} of the links PostgreSQL would check"
        result = _REFERENCES.get(cls)
        if result is not None:
            return result
        pool = Pool()
        from trytond.model import ModelSQL
        result = {}
        for name, field in cls._fields.items():
            if (not isinstance(field, fields.Many2One)
                    or isinstance(field, fields.Function)
                    or name in {'create_uid', 'write_uid'}):
                continue
            try:
                Target = pool.get(field.model_name)
            except KeyError:
                continue
            if (issubclass(Target, ModelSQL)
                    and not callable(Target.table_query)):
                result[name] = Target
        _REFERENCES[cls] = result
        return result

    @classmethod
    def _check_references(cls, vlist):
        if backend.name != 'sqlite' or callable(cls.table_query):
            return
        targets = cls._reference_fields()
        wanted = {}
        for values in vlist:
            for name, value in values.items():
                if (name in targets and isinstance(value, int)
                        and not isinstance(value, bool)):
                    wanted.setdefault(name, set()).add(value)
        if not wanted:
            return
        cursor = Transaction().connection.cursor()
        for name, ids in wanted.items():
            table = targets[name].__table__()
            found = set()
            # ids beyond SQLite's integers are missing without asking
            for sub_ids in grouped_slice(
                    [i for i in ids if -2 ** 63 <= i < 2 ** 63]):
                cursor.execute(*table.select(table.id,
                        where=reduce_ids(table.id, sub_ids)))
                found.update(i for i, in cursor)
            missing = ids - found
            if missing:
                raise ForeignKeyError(gettext('ir.msg_foreign_model_missing',
                        value=min(missing), **cls.__names__(name)))


def acting_employee(message):
    """The employee of the user doing a step, for the steps the office's
    staff sign (an approval); the user without one is told by message
    (an ir.message id taking the user's name)"""
    User = Pool().get('res.user')
    user = User(Transaction().user)
    if not user.employee:
        raise UserError(gettext(message, user=user.rec_name))
    return user.employee


class StampMixin:
    """Who did a step of the workflow and when, kept on the record itself
    (the booking's "booked by", the parcel's "handed over at"): one way
    for every model, the user (None for the server's own steps, as the
    state changes keep it) and the time of the suite's clock"""
    __slots__ = ()

    @classmethod
    def stamp(cls, records, by=None, at=None, on=None, **values):
        """Write on the records the user doing the step in the field `by`,
        the time (stored UTC) in `at` and its office date in `on`, with the
        other values (an approver: acting_employee); return the time"""
        time = clock()
        if by:
            values[by] = Transaction().user or None
        if at:
            values[at] = time
        if on:
            values[on] = office_date(time)
        if values:
            cls.write(records, values)
        return time


def check_first(method):
    """Decorate a ``Workflow.transition``: call the model's method (named)
    with all the records first. The transition leaves out, silently, the
    records not in a state it starts from; the office gets the reason
    instead (a loan returned before it was lent, a job settled twice)."""
    def decorator(func):
        @functools.wraps(func)
        def wrapper(cls, records, *args, **kwargs):
            getattr(cls, method)(records)
            return func(cls, records, *args, **kwargs)
        return wrapper
    return decorator
