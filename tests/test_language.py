# This file is part of the property-management suite.
"""What the office reads: help texts say the rule, in words of the office

The help texts of the suite's fields (English in the code, Chinese in each
addon's ``locale/zh_CN.po``, which the addons' completeness tests keep
complete) say what the rule is, not where the suite's authors found it:
no reference to the office manuals the suite was written from
("seed 004") nor to Tryton's module names ("(account_deposit)")."""
import glob
import os
import re
import unittest

import polib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Internal references a reader of a help text cannot follow
INTERNAL = re.compile(
    r'\bseed\b|种子|\((?:account|company|party|product|stock|attendance)'
    r'(?:_[a-z]+)*\)', re.IGNORECASE)


def help_texts():
    "(addon, context, English, Chinese) of every help text of the suite"
    for path in sorted(glob.glob(
                os.path.join(ROOT, 'addons', '*', 'locale', 'zh_CN.po'))):
        addon = path.split(os.sep)[-3]
        for entry in polib.pofile(path):
            if entry.msgctxt and entry.msgctxt.startswith('help:'):
                yield addon, entry.msgctxt, entry.msgid, entry.msgstr


def overrides():
    """(addon, core module, core context, entry) of each core translation
    an addon overrides (locale/override/zh_CN.po)"""
    for path in sorted(glob.glob(os.path.join(
                    ROOT, 'addons', '*', 'locale', 'override', 'zh_CN.po'))):
        addon = path.split(os.sep)[-4]
        for entry in polib.pofile(path):
            kind, name, res_id = entry.msgctxt.split(':', 2)
            module, fs_id = res_id.split('.', 1)
            yield addon, module, f'{kind}:{name}:{fs_id}', entry


class LanguageTestCase(unittest.TestCase):
    "Test the words the office reads"

    def test_help_texts_without_internal_references(self):
        "No help text refers to the manuals or to Tryton's modules"
        found = [f'{addon} {context}: {text}'
            for addon, context, english, chinese in help_texts()
            for text in [english, chinese] if INTERNAL.search(text)]
        self.assertTrue(list(help_texts()))
        self.assertEqual(found, [])

    def test_product_name_in_web_client(self):
        "The web client's page and login carry the product's name"
        sao = os.environ.get('SAO_ROOT',
            os.path.join(ROOT, 'var', 'sao', 'package'))
        if not os.path.isfile(os.path.join(sao, 'index.html')):
            self.skipTest("sao is not installed (scripts/setup.sh)")
        with open(os.path.join(sao, 'index.html')) as f:
            title, = re.findall(r'<title>(.*)</title>', f.read())
        self.assertIn('物业管理', title)
        for name in ['custom.js', 'custom.css']:
            with open(os.path.join(ROOT, 'scripts', 'sao', name)) as ours, \
                    open(os.path.join(sao, name)) as installed:
                self.assertEqual(installed.read(), ours.read(), name)

    def test_core_overrides_match_core(self):
        """Each override of a Tryton word names a translation its module
        has (trytond-admin -l zh_CN fails on one it has not), of the same
        English, in a module the addon depends on, with the office's word"""
        import configparser
        from importlib import import_module
        found = list(overrides())
        self.assertTrue(found)
        for addon, module, context, entry in found:
            with self.subTest(addon=addon, context=entry.msgctxt):
                config = configparser.ConfigParser()
                config.read(os.path.join(
                        ROOT, 'addons', addon, 'tryton.cfg'))
                self.assertIn(module,
                    config.get('tryton', 'depends').split())
                core = polib.pofile(os.path.join(os.path.dirname(
                            import_module(f'trytond.modules.{module}'
                                ).__file__), 'locale', 'zh_CN.po'))
                english = {e.msgctxt: e.msgid for e in core}
                self.assertEqual(english.get(context), entry.msgid)
                self.assertTrue(entry.msgstr)
                self.assertFalse(re.search(r'[A-Za-z]', entry.msgstr))
