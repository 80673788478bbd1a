"""Browser half of the 留言 journey: describe a page's message form, check it empty, fill it with test data.

Nothing here submits; the caller decides that (only for a test target or with ``--allow-submit``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page

from checker.scenario import DEFAULT_SETTINGS

CAPTCHA_WORDS = re.compile(r"验证码|captcha|verify|yzm|checkcode", re.IGNORECASE)
TEST_MARK = "【测试】"
TEST_VALUES = {
    "name": "测试用户（自动检查）",
    "phone": "13800000000",
    "email": "test@example.com",
    "title": f"{TEST_MARK}网站检查自动测试留言，请勿处理",
    "content": f"{TEST_MARK}这是政府网站检查工具的自动测试留言，用于检验留言功能是否可用，无需答复，请勿处理。",
    "other": f"{TEST_MARK}自动检查",
}

_FORM_JS = """() => {
  const seq = () => { window.__gcSeq = (window.__gcSeq || 0) + 1; return 'f' + window.__gcSeq; };
  const tag = (el) => {
    if (!el.hasAttribute('data-gc')) el.setAttribute('data-gc', seq());
    return el.getAttribute('data-gc');
  };
  const shown = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const labelOf = (el) => {
    const own = el.id ? document.querySelector(`label[for="${CSS.escape(el.id)}"]`) : null;
    if (own) return own.innerText.trim();
    const wrap = el.closest('label, p, li, tr, .form-item, .item, div');
    return ((wrap && wrap.innerText) || el.placeholder || el.name || '').trim().slice(0, 40);
  };
  const forms = [...document.querySelectorAll('form')].filter(f => shown(f) && f.querySelector('textarea'));
  if (!forms.length) return null;
  const form = forms[0];
  const fields = [...form.querySelectorAll('input, textarea, select')].filter(el =>
    !['hidden', 'submit', 'button', 'reset', 'image', 'checkbox', 'radio', 'file'].includes(el.type));
  const captchaWords = /验证码|captcha|verify|yzm|checkcode/i;
  const captcha = fields.some(el => captchaWords.test(`${el.name} ${el.id} ${el.placeholder} ${labelOf(el)}`))
    || [...form.querySelectorAll('img, canvas, iframe')].some(
      el => captchaWords.test(`${el.src || ''} ${el.alt || ''} ${el.className}`));
  const submit = form.querySelector('button[type=submit], input[type=submit], button:not([type])');
  return {
    gc: tag(form),
    submit: submit ? tag(submit) : '',
    captcha,
    fields: fields.map(el => ({
      gc: tag(el), name: el.name || el.id || '', tag: el.tagName.toLowerCase(), type: el.type || '',
      label: labelOf(el), required: el.required || /[*＊]/.test(labelOf(el)), visible: shown(el),
      disabled: el.disabled || el.readOnly,
    })),
  };
}"""

_VALIDITY_JS = """(gc) => {
  const form = document.querySelector(`[data-gc="${gc}"]`);
  if (!form) return null;
  const invalid = [...form.elements].filter(el => el.willValidate && !el.checkValidity());
  return {valid: invalid.length === 0, first: invalid.length ? (invalid[0].validationMessage || '必填') : '',
          field: invalid.length ? invalid[0].getAttribute('data-gc') : ''};
}"""


@dataclass(frozen=True)
class FieldSeen:
    """A fillable field of the form as the page shows it."""

    anchor: str
    name: str
    tag: str
    type: str
    label: str
    required: bool
    visible: bool
    disabled: bool


@dataclass(frozen=True)
class FormSeen:
    """A message form: its fields, its submit button and whether it asks for a captcha."""

    anchor: str
    submit_anchor: str
    captcha: bool
    fields: tuple[FieldSeen, ...]


@dataclass(frozen=True)
class Validity:
    """What the browser's own validation says about the form as it stands."""

    valid: bool
    message: str
    field_anchor: str


async def read_form(page: Page) -> FormSeen | None:
    """The first visible form with a text area (a message form), tagged for evidence; None when none."""
    try:
        data: Any = await page.evaluate(_FORM_JS)
    except PlaywrightError:
        return None
    if not data:
        return None
    fields = tuple(
        FieldSeen(f["gc"], f["name"], f["tag"], f["type"], f["label"], bool(f["required"]), bool(f["visible"]),
                  bool(f["disabled"]))
        for f in data["fields"]
    )
    return FormSeen(data["gc"], data["submit"], bool(data["captcha"]), fields)


async def validity(page: Page, form: FormSeen) -> Validity | None:
    """Ask the browser whether the form would pass its own checks now (nothing is sent)."""
    try:
        data: Any = await page.evaluate(_VALIDITY_JS, form.anchor)
    except PlaywrightError:
        return None
    return Validity(bool(data["valid"]), data["first"], data["field"]) if data else None


def marked_value(field: FieldSeen) -> str:
    """Clearly marked test data for a field, chosen by its type, name and label."""
    hay = f"{field.name} {field.label}".lower()
    if field.type == "email" or "mail" in hay or "邮" in hay:
        return TEST_VALUES["email"]
    if field.type == "tel" or any(w in hay for w in ("phone", "mobile", "tel", "手机", "电话")):
        return TEST_VALUES["phone"]
    if field.tag == "textarea" or any(w in hay for w in ("content", "内容", "正文")):
        return TEST_VALUES["content"]
    if any(w in hay for w in ("title", "subject", "标题", "主题")):
        return TEST_VALUES["title"]
    if any(w in hay for w in ("name", "姓名", "联系人")):
        return TEST_VALUES["name"]
    return TEST_VALUES["other"]


async def fill_form(page: Page, form: FormSeen,
                    timeout_seconds: float = DEFAULT_SETTINGS.action_timeout_seconds) -> list[FieldSeen]:
    """Fill every visible text field with test data; the required fields that could not be filled
    (``timeout_seconds`` per field: the suite's ``settings.action_timeout_seconds``)."""
    failed = []
    for field in form.fields:
        if field.tag == "select" or (field.disabled and not field.required):
            continue
        if not field.visible:
            failed += [field] if field.required else []
            continue
        if CAPTCHA_WORDS.search(f"{field.name} {field.label}"):
            continue  # a person types the captcha; the journey stops before submitting
        try:
            await page.locator(f'[data-gc="{field.anchor}"]').fill(marked_value(field), timeout=timeout_seconds * 1000)
        except PlaywrightError:
            if field.required:
                failed.append(field)
    return failed
