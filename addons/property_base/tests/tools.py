# This file is part of the property-management suite.
"Test helpers shared by the suite's addons"
import polib

from trytond.pool import Pool


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
