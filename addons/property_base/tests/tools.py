# This file is part of the property-management suite.
"Test helpers shared by the suite's addons"
import importlib
import os

import polib

from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction


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
