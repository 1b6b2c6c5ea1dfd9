# This file is part of the property-management suite.
"Test helpers shared by the suite's addons"
import datetime as dt
import importlib
import os
from contextlib import contextmanager
from unittest.mock import patch

import polib

from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.tools import timezone as tz

# The office's time zone: the suite's tests run on the office's clock
OFFICE_TIMEZONE = 'Asia/Shanghai'


def create_company(*args, **kwargs):
    "Tryton's test company, in the office's time zone"
    from trytond.modules.company.tests import create_company as create
    company = create(*args, **kwargs)
    company.timezone = OFFICE_TIMEZONE
    company.save()
    return company


def office_to_utc(value):
    "The stored (naive UTC) date-time of an office wall-clock time"
    return value.replace(tzinfo=tz.ZoneInfo(OFFICE_TIMEZONE)).astimezone(
        tz.UTC).replace(tzinfo=None)


@contextmanager
def office_clock(value):
    """Run with the suite's clock stopped at value, an office wall-clock
    time (naive, in OFFICE_TIMEZONE); yields the stored UTC of it"""
    utc = office_to_utc(value)
    with patch('trytond.modules.property_base.common._utcnow',
            return_value=utc):
        yield utc


def office_today():
    "The office's date today (real clock), as the suite computes it"
    return dt.datetime.now(tz.ZoneInfo(OFFICE_TIMEZONE)).date()


def untranslated(module, po_path):
    """Return the user-facing strings of the module that have no
    translation in po_path, as 'context msgid' lines"""
    pool = Pool()
    Translation = pool.get('ir.translation')
    TranslationSet = pool.get('ir.translation.set', type='wizard')
    session_id, _, _ = TranslationSet.create()
    TranslationSet.execute(session_id, {}, 'set_')
    template = polib.pofile(
        Translation.translation_export('en', module).decode())
    translated = {(e.msgctxt, e.msgid) for e in polib.pofile(po_path)
        if e.msgstr or e.msgstr_plural.get(0)}
    return [f'{e.msgctxt} {e.msgid!r}' for e in template
        if (e.msgctxt, e.msgid) not in translated]


def datetime_list_columns(module):
    """Return the date-time columns of the module's list views that have no
    widget: sao 8.0 cannot draw them ("ColumnFactory is not a
    constructor") and the list never opens"""
    from lxml import etree
    pool = Pool()
    View = pool.get('ir.ui.view')
    problems = []
    for view in View.search([('module', '=', module), ('type', '=', 'tree')]):
        Model = pool.get(view.model)
        for field in etree.fromstring(view.arch).iter('field'):
            model_field = Model._fields.get(field.get('name'))
            if (getattr(model_field, '_type', None) in {
                        'datetime', 'timestamp'}
                    and not field.get('widget')):
                problems.append(f'{view.name}: {field.get("name")}')
    return problems


class SuiteModuleTestMixin:
    "Checks every addon of the suite passes; set `module` as for Tryton"

    @with_transaction()
    def test_list_datetime_columns(self):
        "Date-time columns of the lists have a widget the web client draws"
        self.assertEqual(datetime_list_columns(self.module), [])

    @with_transaction()
    def test_zh_CN_translation_complete(self):
        "Every user-facing string of the module has its Chinese translation"
        path = os.path.join(os.path.dirname(
                importlib.import_module(
                    f'trytond.modules.{self.module}').__file__),
            'locale', 'zh_CN.po')
        missing = untranslated(self.module, path)
        self.assertFalse(missing, "untranslated:\n" + "\n".join(missing))
