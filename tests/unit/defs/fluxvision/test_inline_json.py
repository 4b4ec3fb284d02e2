"""The observatory's data sits inline in its pages: a label from a delivery can neither end the
<script> element nor open an HTML comment in it."""

import json

from t82_pipeline.defs.fluxvision.observatory.data import script_json

HOSTILE = ["<!--<script>", "</script><script>alert(1)</script>", "A & B > C", "ligne\u2028suivante"]


def test_inline_json_holds_no_markup_and_reads_back_the_same():
    text = script_json({"labels": HOSTILE})
    assert not set("<>&") & set(text)
    assert json.loads(text) == {"labels": HOSTILE}
    page = f"<script>const data = {text};</script><p>après</p>"
    assert page.count("<script") == 1 and page.index("</script>") == page.rindex("</script>")
