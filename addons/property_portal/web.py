# This file is part of the property-management suite.
"""The portal's web layer: pages rendered from the addon's Jinja2
templates in the visitor's language, the session cookie of web_user, the
CSRF token of the forms and the decorator every route goes through"""
import functools
import hmac
import os
import secrets
from http import HTTPStatus
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, select_autoescape
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from trytond.i18n import gettext
from trytond.pool import Pool
from trytond.protocols.wrappers import (
    Response, abort, redirect, with_pool, with_transaction)
from trytond.transaction import Transaction

HERE = os.path.dirname(__file__)
SESSION_COOKIE = 'portal_session'
CSRF_COOKIE = 'portal_csrf'
LANG_COOKIE = 'portal_lang'
# Chinese by default, English on request
LANGUAGES = ('zh_CN', 'en')
DEFAULT_LANGUAGE = 'zh_CN'

templates = Environment(
    loader=FileSystemLoader(os.path.join(HERE, 'templates')),
    autoescape=select_autoescape(['html']),
    trim_blocks=True, lstrip_blocks=True)


def text(key, **variables):
    "A text of the portal's pages in the visitor's language (an ir.message)"
    return gettext(f'property_portal.msg_page_{key}', **variables)


class Visit:
    """One request to the portal: the database, the language, the signed-in
    web user and party (or None), the CSRF token"""

    def __init__(self, request, database_name):
        self.request = request
        self.database_name = database_name
        self.base = f'/{quote(database_name)}/portal'
        # (cookie paths are matched as the client reads the path: the
        # same for the database names of letters, digits, _ and -)
        self.cookie_path = f'/{database_name}/portal/'
        lang = request.cookies.get(LANG_COOKIE)
        self.language = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
        self.csrf = request.cookies.get(CSRF_COOKIE) or ''
        self.new_csrf = None
        if not (16 <= len(self.csrf) <= 128 and self.csrf.isalnum()):
            self.csrf = self.new_csrf = secrets.token_hex(16)
        self.session = request.cookies.get(SESSION_COOKIE) or ''
        self.user = None
        self.party = None
        self.set_session = None

    def has(self, model):
        "Whether the optional module of the model is activated"
        try:
            Pool().get(model)
        except KeyError:
            return False
        return True

    @functools.cached_property
    def owns_home(self):
        """Whether the signed-in visitor owns a home (a share) now: the
        pages of owners only (renovations) are shown to them only"""
        from .routes import owned_units
        return bool(self.party and owned_units(self))

    def url(self, path=''):
        return f'{self.base}/{path}'

    def check_csrf(self):
        "Refuse a POST whose form does not carry the visitor's CSRF token"
        try:
            sent = self.request.form.get('csrf', '')
        except RequestEntityTooLarge:
            abort(self.error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                    text('request_too_large')))
        cookie = self.request.cookies.get(CSRF_COOKIE, '')
        if not (cookie and sent
                and hmac.compare_digest(sent.encode(), cookie.encode())):
            abort(self.error(HTTPStatus.FORBIDDEN, text('csrf_refused')))

    def render(self, template, status=HTTPStatus.OK, **values):
        values.setdefault('title', '')
        html = templates.get_template(template).render(visit=self, _=text,
            **values)
        response = Response(html, status=status,
            content_type='text/html; charset=utf-8')
        return self.finish(response)

    def error(self, status, message):
        return self.render('error.html', status=status, message=message,
            title=text('error'))

    def redirect(self, path=''):
        return self.finish(redirect(self.url(path), code=303))

    def finish(self, response):
        "Set the cookies of the visit and the headers every page has"
        secure = self.request.scheme == 'https'
        options = dict(path=self.cookie_path, httponly=True, samesite='Lax',
            secure=secure)
        if self.new_csrf:
            response.set_cookie(CSRF_COOKIE, self.new_csrf, **options)
        if self.set_session is not None:
            if self.set_session:
                response.set_cookie(SESSION_COOKIE, self.set_session,
                    **options)
            else:
                response.delete_cookie(SESSION_COOKIE, path=options['path'],
                    httponly=True, samesite='Lax', secure=secure)
        response.headers['Cache-Control'] = 'no-store'
        response.headers['X-Content-Type-Options'] = 'nosniff'
        response.headers['X-Frame-Options'] = 'DENY'
        response.headers['Referrer-Policy'] = 'same-origin'
        response.headers['Content-Security-Policy'] = (
            "default-src 'self'; img-src 'self' data:; "
            "style-src 'self'; form-action 'self'; frame-ancestors 'none'")
        return response


def portal_page(signed_in=True, readonly=None):
    """Make a view function a route body: the database's pool, a committed
    transaction (as root: the function itself keeps to the visitor's
    homes), the visitor's language; with signed_in, the signed-in web user
    or a redirect to the sign-in page"""
    def decorator(func):
        @functools.wraps(func)
        def wrapper(request, pool, *args, **kwargs):
            database_name = pool.database_name
            visit = Visit(request, database_name)
            try:
                pool.get('property.portal.invitation')
            except KeyError:
                # a database without the portal
                abort(HTTPStatus.NOT_FOUND)
            transaction = Transaction()
            with transaction.set_context(language=visit.language):
                if visit.session and len(visit.session) <= 128:
                    WebUser = pool.get('web.user')
                    user = WebUser.get_user(visit.session)
                    if user and user.party:
                        visit.user, visit.party = user, user.party
                if signed_in and not visit.user:
                    if visit.session:
                        visit.set_session = ''
                    return visit.redirect('signin')
                if request.method == 'POST':
                    visit.check_csrf()
                company = home_company(visit)
                with transaction.set_context(company=company):
                    try:
                        return func(visit, *args, **kwargs)
                    except HTTPException as exception:
                        if exception.code == HTTPStatus.NOT_FOUND:
                            return visit.error(HTTPStatus.NOT_FOUND,
                                text('not_found'))
                        raise
        return with_pool(with_transaction(readonly=readonly)(wrapper))
    return decorator


def home_company(visit):
    "The company of the visitor's homes (of the only company otherwise)"
    from .portal import home_units
    if visit.party:
        units = home_units(visit.party)
        if units:
            return units[0].site.company.id
    Company = Pool().get('company.company')
    companies = Company.search([], limit=2)
    return companies[0].id if len(companies) == 1 else None


def rollback():
    """Undo what a refused form wrote so far: the page answering the
    refusal commits nothing"""
    transaction = Transaction()
    transaction.rollback()
