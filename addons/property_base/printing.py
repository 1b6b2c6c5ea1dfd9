# This file is part of the property-management suite.
"""Printed documents: HTML templates made into PDF by Tryton's report
machinery (`Report.convert` with WeasyPrint), A4, with the office's header,
a Chinese font stack and amounts formatted for the recipient's language"""
import base64
import logging
import os
import threading
from functools import lru_cache
from io import BytesIO

from genshi.core import Markup, escape
from genshi.input import XML
from genshi.template import TemplateLoader

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.modules.company import CompanyReport
from trytond.pool import Pool
from trytond.tools import file_open
from trytond.transaction import Transaction

from .common import to_office

try:
    import qrcode
    from qrcode.image.svg import SvgPathFillImage
except ImportError:
    qrcode = None
try:
    from qrcode.image.pil import PilImage
except ImportError:
    PilImage = None

logger = logging.getLogger(__name__)

# Owners read Chinese unless their party says otherwise.
DEFAULT_LANGUAGE = 'zh_CN'


@lru_cache(maxsize=None)
def _asset(name):
    with file_open(os.path.join('property_base', 'report', name)) as fp:
        return fp.read()


def _module_template(filename):
    """The template a document includes, named by its module's path (e.g.
    property_base/report/document.html), found as Tryton finds the files
    of its modules"""
    fileobj = file_open(filename, mode='rb')
    return fileobj.name, filename, fileobj, None


# Loads the templates a document includes (<xi:include href="...">), once:
# they are inlined into the document's template, cached with it
TEMPLATES = TemplateLoader([_module_template], auto_reload=False)


class HTMLReport(CompanyReport):
    """A document of the suite: an `html` template printed as `pdf`

    The template gets, besides Tryton's report context:
    - `style`: the suite's CSS (A4, fonts, header, tables), to put in <style>
    - `office_header(site=None)`: the company's name, address and service
      phone (the site's when given, else the company's)
    - `qrcode(code)`: a QR code of code, drawn as an inline SVG
    - `qrcode_png(code)`: the same QR code as a picture of one pixel per
      module, drawn without smoothing (sharp edges at any size, like the
      SVG), several times cheaper for WeasyPrint to draw than the SVG's
      path: for the documents printed by the thousand
    - `set_recipient_lang(party)`: prints in the party's language, Chinese
      when it has none
    - `amount(value, currency)`, `date(value)`: formatted for that language
    - `office_time(value)`: a stored (UTC) date-time as the office's date,
      formatted for that language, and hour
    - `lines(text)`: the text with its line breaks kept
    - `image(data, css_class)`: a picture stored in a Binary field (PNG,
      JPEG or GIF) drawn in the page, or nothing when there is none

    A template includes the parts the documents share with
    `<xi:include href="property_base/report/document.html"/>`: its head
    gets the encoding and the suite's style, and `document_top(site,
    party=None)` prints the document in the party's language under the
    office's header.
    """
    __slots__ = ()

    @classmethod
    def header_key(cls, record, data):
        # the company of the record, or of its site for the records of a
        # site that have none of their own
        return super(CompanyReport, cls).header_key(record, data) + (
            ('company', cls.record_company(record)),
            )

    @classmethod
    def record_company(cls, record):
        "The company whose office sends the record's document"
        if 'company' in record._fields:
            return record.company
        if 'site' in record._fields and record.site:
            return record.site.company
        return None

    @classmethod
    def recipient_language(cls, party):
        "The code of the language the party reads"
        Lang = Pool().get('ir.lang')
        if party and getattr(party, 'lang', None):
            return party.lang.code
        if Lang.search([('code', '=', DEFAULT_LANGUAGE)], limit=1):
            return DEFAULT_LANGUAGE
        return None

    @classmethod
    def get_context(cls, records, header, data):
        pool = Pool()
        Lang = pool.get('ir.lang')
        context = super().get_context(records, header, data)
        company = context.get('company')
        state = {'lang': None}
        # a batch of documents looks each of these up once
        languages, headers = {}, {}

        def set_recipient_lang(party):
            key = party.lang.code if party and getattr(
                party, 'lang', None) else None
            if key not in languages:
                languages[key] = cls.recipient_language(party)
            code = languages[key]
            lang = Lang.get(code) if code else None
            state['lang'] = lang
            context['set_lang'](code)
            for record in records:
                if hasattr(record, 'set_lang'):
                    record.set_lang(code)
            return ''

        def amount(value, currency):
            if value is None:
                return ''
            return cls.format_currency(value, state['lang'], currency)

        def date(value):
            if value is None:
                return ''
            return cls.format_date(value, state['lang'])

        def office_time(value):
            if value is None:
                return ''
            local = to_office(value, company)
            return '%s %s' % (date(local.date()), local.strftime('%H:%M'))

        context['style'] = Markup(_asset('base.css'))
        def office_header(site=None):
            key = site.id if site else None
            if key not in headers:
                headers[key] = cls.office_header(company, site)
            return headers[key]

        context['office_header'] = office_header
        context['qrcode'] = cls.qrcode
        context['qrcode_png'] = cls.qrcode_png
        context['set_recipient_lang'] = set_recipient_lang
        context['amount'] = amount
        context['date'] = date
        context['office_time'] = office_time
        context['image'] = cls.image
        context['lines'] = lambda text: XML('<div>%s</div>' % '<br/>'.join(
                escape(l) for l in (text or '').splitlines()))
        return context

    @classmethod
    def office_header(cls, company, site=None):
        "The header of the documents: the office that sends them"
        name = address = phone = ''
        if company:
            party = company.party
            name = party.name or ''
            addr = party.address_get()
            if addr:
                address = ' '.join(
                    l.strip() for l in addr.full_address.splitlines()
                    if l.strip())
            phone = party.phone or ''
        if site:
            address = ' '.join((site.address or '').split()) or address
            phone = site.service_phone or phone
        # a stream, not a string: the translation filter of the report
        # escapes the strings it sees
        return XML(Markup(
            '<header class="office"><div class="office-name">%s</div>'
            '<div class="office-address">%s</div>'
            '<div class="office-phone">%s</div></header>') % (
            escape(name), escape(address),
            escape(('☎ ' + phone) if phone else '')))

    @classmethod
    def qrcode(cls, code):
        """A QR code of the code drawn in the HTML as an inline SVG: Tryton
        lets WeasyPrint fetch nothing but http(s), so no data: URI"""
        if not qrcode:
            raise UserError(gettext('property_base.msg_print_qrcode_missing'))
        # one path on white with a viewBox: it scales to the CSS size and
        # scans (trytond.tools.qrcode's SVG has neither)
        image = qrcode.make(str(code), image_factory=SvgPathFillImage,
            error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
        output = BytesIO()
        image.save(output)
        svg = output.getvalue().decode('utf-8')
        svg = svg[svg.index('<svg'):]
        return XML('<div class="qrcode">%s</div>' % svg)

    @classmethod
    def qrcode_png(cls, code):
        """The QR code of the code as a PNG of one pixel per module in an
        <img> (a data: URI), drawn unsmoothed (`image-rendering:
        pixelated`, see base.css): the same squares as qrcode's SVG, and
        one picture for WeasyPrint to place instead of a path of a
        thousand points to draw"""
        if not qrcode or not PilImage:
            raise UserError(gettext('property_base.msg_print_qrcode_missing'))
        image = qrcode.make(str(code), image_factory=PilImage, box_size=1,
            border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
        output = BytesIO()
        image.save(output)
        return XML(Markup('<div class="qrcode"><img class="qrcode" '
                'alt="%s" src="data:image/png;base64,%s"/></div>') % (
                escape(str(code)),
                base64.b64encode(output.getvalue()).decode('ascii')))

    @classmethod
    def image(cls, data, css_class='photo'):
        """A picture of a Binary field as an <img> with a data: URI (the
        PDF is made with data: URIs allowed, see convert)"""
        if not data:
            return ''
        data = bytes(data)
        for magic, mimetype in _IMAGE_TYPES:
            if data.startswith(magic):
                break
        else:
            return ''
        return XML(Markup('<img class="%s" src="data:%s;base64,%s"/>') % (
                escape(css_class), mimetype,
                base64.b64encode(data).decode('ascii')))

    @classmethod
    def _callback_loader(cls, report, template):
        # before the template is prepared: it inlines what it includes
        template.loader = TEMPLATES
        return super()._callback_loader(report, template)

    @classmethod
    def render(cls, report, report_context):
        try:
            return super().render(report, report_context)
        except UserError:
            raise
        except Exception as exception:
            logger.info("template of %s failed", report.report_name,
                exc_info=True)
            raise UserError(gettext('property_base.msg_print_template_error',
                    document=report.name, error=str(exception))
                ) from exception

    @classmethod
    def render_html(cls, records, header, data, action):
        """The documents' HTML, made as `_execute` makes it before it
        converts it: for who converts it elsewhere (`pdf_from_html` in
        processes of its own, see property_billing's batch printing)"""
        # as _execute: the original context restored (set_lang changes it)
        with Transaction().set_context(Transaction().context):
            report_context = cls.get_context(records, header, data)
            return cls.render(action, report_context)

    @classmethod
    def convert(cls, report, data, **kwargs):
        if report.template_extension in {'html', 'xhtml'} \
                and (report.extension or 'pdf') == 'pdf':
            try:
                import weasyprint  # noqa: F401
            except ImportError as exception:
                raise UserError(gettext(
                        'property_base.msg_print_pdf_missing')
                    ) from exception
            try:
                content = cls.write_pdf(data)
            except Exception as exception:
                raise cls.pdf_error(report, exception) from exception
            return 'pdf', cls.check_pdf(report, content)
        return super().convert(report, data, **kwargs)

    @classmethod
    def pdf_error(cls, report, exception):
        "The error to show when WeasyPrint failed on the report's HTML"
        logger.info("PDF of %s failed", report.report_name,
            exc_info=exception)
        return UserError(gettext('property_base.msg_print_template_error',
                document=report.name, error=str(exception)))

    @classmethod
    def check_pdf(cls, report, content):
        "The content, if it is a PDF; else a translated error"
        if not content or not content.startswith(b'%PDF'):
            raise UserError(gettext(
                    'property_base.msg_print_template_error',
                    document=report.name, error='no PDF'))
        return content

    @classmethod
    def write_pdf(cls, data):
        return pdf_from_html(data)


# WeasyPrint's font configuration of each thread (a Pango font map is not
# for several threads at once), with the process it was made in
_fonts = threading.local()


def font_config():
    """The thread's WeasyPrint font configuration, made once: Fontconfig's
    list of the system's fonts and Pango's font map with the fonts it has
    opened, kept from one document to the next. WeasyPrint otherwise loads
    them again for each document. It only holds fonts of the system: a
    document with @font-face gets a configuration of its own (see
    pdf_from_html), and a process of its own makes its own."""
    from weasyprint.text.fonts import FontConfiguration
    kept = getattr(_fonts, 'kept', None)
    if kept is None or kept[0] != os.getpid():
        kept = _fonts.kept = (os.getpid(), FontConfiguration())
    return kept[1]


def pdf_from_html(data):
    """The HTML as PDF with WeasyPrint, as Report.convert makes it, but
    with the pictures the template embeds as data: URIs allowed, and the
    system's fonts loaded once per thread (font_config). A function of
    the module, without database: batch printing runs it in processes of
    its own."""
    import weasyprint
    face = b'@font-face' if isinstance(data, bytes) else '@font-face'
    return weasyprint.HTML(string=data,
        url_fetcher=weasyprint.URLFetcher(
            allowed_protocols={'http', 'https', 'data'}),
        ).write_pdf(font_config=font_config() if face not in data else None)


# The pictures a document shows: by their first bytes
_IMAGE_TYPES = [
    (b'\x89PNG\r\n\x1a\n', 'image/png'),
    (b'\xff\xd8\xff', 'image/jpeg'),
    (b'GIF87a', 'image/gif'),
    (b'GIF89a', 'image/gif'),
    ]
