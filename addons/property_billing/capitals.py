# This file is part of the property-management suite.
"""Amounts in Chinese capitals (大写金额), as receipts and bank documents
write them (中国人民银行《支付结算办法》附件 正确填写票据和结算凭证的基本规定):

- the digits 零壹贰叁肆伍陆柒捌玖, the units 拾佰仟 and the sections 万 亿;
- 元 then 角 and 分; 整 after an amount that ends at 元 or 角, none after 分;
- a 零 for zeros in the middle, one for a run of zeros (10,005.00 is
  壹万零伍元整, 1,001 壹仟零壹元整);
- where the 元 digit is 0 and the 角 is not, the rules allow a 零 or none:
  the suite writes it (1,680.32 is 壹仟陆佰捌拾元零叁角贰分), as the first
  of the rules' examples does;
- ten to nineteen keep their 壹 (壹拾元整), as on bills;
- below one yuan, no 元 (伍分, 伍角整); nothing at all is 零元整."""
from decimal import ROUND_HALF_UP, Decimal

DIGITS = '零壹贰叁肆伍陆柒捌玖'
UNITS = ('', '拾', '佰', '仟')
SECTIONS = ('', '万', '亿')
# 万亿 would need sections within sections: no office receipt gets there
LIMIT = 10 ** 12


def _section(number):
    "1 ≤ number ≤ 9999 in capitals, without its section's unit"
    words = ''
    zero = False
    for power in (3, 2, 1, 0):
        digit = number // 10 ** power % 10
        if not digit:
            zero = bool(words)
            continue
        if zero:
            words += DIGITS[0]
            zero = False
        words += DIGITS[digit] + UNITS[power]
    return words


def chinese_capitals(amount):
    "The amount in yuan (rounded to the fen) in Chinese capitals"
    amount = Decimal(amount).quantize(Decimal('0.01'), ROUND_HALF_UP)
    sign = '负' if amount < 0 else ''
    fens = int(abs(amount) * 100)
    yuan, rest = divmod(fens, 100)
    jiao, fen = divmod(rest, 10)
    if yuan >= LIMIT:
        raise ValueError(f"amount too large for capitals: {amount}")
    words = ''
    if yuan:
        sections = []
        rest = yuan
        while rest:
            sections.append(rest % 10000)
            rest //= 10000
        zero = False
        for index in reversed(range(len(sections))):
            section = sections[index]
            if not section:
                zero = bool(words)
                continue
            if words and (zero or section < 1000):
                words += DIGITS[0]
            words += _section(section) + SECTIONS[index]
            zero = False
        words += '元'
    if not jiao and not fen:
        return sign + (words or DIGITS[0] + '元') + '整'
    if jiao:
        if yuan and yuan % 10 == 0:
            words += DIGITS[0]
        words += DIGITS[jiao] + '角'
    elif yuan:
        words += DIGITS[0]
    if fen:
        words += DIGITS[fen] + '分'
    else:
        words += '整'
    return sign + words
