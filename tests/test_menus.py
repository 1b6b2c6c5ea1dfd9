# This file is part of the property-management suite.
"""The menu each office role sees

Each demo role (the groups of the demo's staff users, scripts/demo.py and
the addons' demo.py) sees the menu tree Tryton gives it: ``ir.ui.menu``
searched as that user, which drops the entries of other groups, the
entries whose list the user may not read, and the children of dropped
folders. In that tree:

- no folder is empty (finance saw an empty Helpdesk and Reporting);
- no path repeats a name (``Staff › Staff``) and no folder holds two
  entries of one name;
- the core menus an office role does not work with are hidden from it
  (Products, Currencies, Attendance, Financial for the front desk...).

Run it as a script to print each role's tree:
``.venv/bin/python tests/test_menus.py [role]``."""
import os

if __name__ == '__main__':
    os.environ.setdefault('DB_NAME', ':memory:')

import sys  # noqa: E402
import unittest  # noqa: E402

from trytond.pool import Pool  # noqa: E402
from trytond.modules.property_base.tests.tools import (  # noqa: E402
    SUITE_MODULES, with_transaction)
from trytond.tests.test_tryton import activate_module, drop_db  # noqa: E402
from trytond.transaction import Transaction  # noqa: E402

# The groups of the demo's staff users, by role
ROLES = {
    'manager': ['property_base.group_property_manager'],
    'front_desk': ['property_base.group_property_front_desk'],
    'building_manager': ['property_base.group_property_building_manager'],
    'archive': ['property_base.group_property_archive'],
    'finance': ['property_billing.group_property_finance',
        'account.group_account'],
    'cashier': ['property_billing.group_property_cashier'],
    'engineering': ['property_helpdesk.group_property_engineering'],
    'hr': ['property_hr.group_property_hr'],
    'supervisor': ['property_hr.group_property_supervisor'],
    }
# Top menus of Tryton's modules that only these roles work with
# (xml id: roles); the others must not see them
CORE_MENUS = {
    'product.menu_main_product': set(),
    'currency.menu_currency': set(),
    'account.menu_account': {'finance'},
    'attendance.menu_main_attendance': {'hr'},
    'company.menu_company': set(),
    'party.menu_party': set(),
    'stock.menu_stock': set(),
    }

# Repeated names of Tryton's own menus, left as accountants know them
CORE_REPEATS = {
    'repeated name: Financial › Dunnings › Dunnings',
    }


def role_user(role, company):
    "A user of the role's groups in the company"
    pool = Pool()
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    user, = User.create([{'name': role, 'login': f'menu.{role}',
                'groups': [('add', [ModelData.get_id(*g.split('.'))
                                for g in ROLES[role]])],
                'companies': [('add', [company.id])],
                'company': company.id}])
    return user


def menu_tree(user, company):
    """The menus the user sees, as sao reads them: {menu: [children]}
    with None for the roots"""
    Menu = Pool().get('ir.ui.menu')
    transaction = Transaction()
    with transaction.set_user(user.id), transaction.set_context(
            _check_access=True, company=company.id):
        menus = Menu.search([])
        tree = {}
        for menu in menus:
            tree.setdefault(menu.parent, []).append(menu)
        # a child whose parent is hidden is not shown
        shown = set()

        def walk(parent):
            for child in tree.get(parent, []):
                shown.add(child)
                walk(child)
        walk(None)
        return {p: [c for c in children if c in shown]
            for p, children in tree.items() if p is None or p in shown}, \
            {m: (m.name, bool(m.action_keywords)) for m in shown}


def problems(tree, labels):
    "Empty folders and repeated names of a menu tree"
    found = []

    def has_action(menu):
        return any(labels[c][1] or has_action(c)
            for c in tree.get(menu, []))

    def walk(parent, path):
        names = [labels[c][0] for c in tree.get(parent, [])]
        for name in sorted({n for n in names if names.count(n) > 1}):
            found.append(f"two entries {name!r} in {' › '.join(path)}")
        for child in tree.get(parent, []):
            name, action = labels[child]
            if name in path:
                found.append(f"repeated name: {' › '.join(path + [name])}")
            if not action and not has_action(child):
                found.append(f"empty folder: {' › '.join(path + [name])}")
            walk(child, path + [name])
    walk(None, [])
    return found


def paths(tree, labels):
    "The menu paths of a tree, in order"
    lines = []

    def walk(parent, path):
        for child in sorted(tree.get(parent, []),
                key=lambda m: (m.sequence or 0, m.id)):
            name, action = labels[child]
            lines.append(' › '.join(path + [name]) + ('' if action else '/'))
            walk(child, path + [name])
    walk(None, [])
    return lines


class MenusTestCase(unittest.TestCase):
    "Test the menus of each office role"

    @classmethod
    def setUpClass(cls):
        drop_db()   # as Tryton's ModuleTestCase: not an earlier class's
        activate_module(SUITE_MODULES)

    @with_transaction()
    def test_menus_per_role(self):
        "Each role sees a menu without empty folders, repeats or core menus"
        from trytond.modules.company.tests import create_company
        ModelData = Pool().get('ir.model.data')
        Menu = Pool().get('ir.ui.menu')
        company = create_company()
        for role in ROLES:
            with self.subTest(role=role):
                user = role_user(role, company)
                tree, labels = menu_tree(user, company)
                self.assertEqual(
                    set(problems(tree, labels)) - CORE_REPEATS, set())
                roots = {m.id for m in tree.get(None, [])}
                for xml_id, roles in CORE_MENUS.items():
                    try:
                        menu = Menu(ModelData.get_id(*xml_id.split('.')))
                    except KeyError:
                        continue
                    if role not in roles:
                        self.assertNotIn(menu.id, roots, f"{role}: {xml_id}")
                # the suite's own menu is every role's work
                self.assertIn(ModelData.get_id(
                        'property_base', 'menu_property'), roots)


def main(argv):
    from trytond.modules.company.tests import create_company
    from trytond.tests.test_tryton import DB_NAME
    activate_module(SUITE_MODULES)
    with Transaction().start(DB_NAME, 0) as transaction:
        company = create_company()
        for role in argv or ROLES:
            user = role_user(role, company)
            tree, labels = menu_tree(user, company)
            print(f"== {role}")
            print('\n'.join(paths(tree, labels)))
            for problem in problems(tree, labels):
                print("!!", problem)
        transaction.rollback()


if __name__ == '__main__':
    main(sys.argv[1:])
