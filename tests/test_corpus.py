"""Tests for kg.corpus: decoding, the four formats, and walking a corpus folder."""
from __future__ import annotations

import hashlib
import json
import os
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kg.corpus import decode_bytes, read_corpus, read_file, to_clean_text
from kg.errors import InputError, KGError

# Encodable in every encoding below, Big5 included (traditional characters).
HANT = "支付寶與微信支付在春節紅包大戰中爭奪用戶，市場份額持續變化。"
HANS = "支付宝与微信支付在春节红包大战中争夺用户，市场份额持续变化。"

ENCODINGS = [
    ("utf-8", lambda s: s.encode("utf-8")),
    ("utf-8-bom", lambda s: s.encode("utf-8-sig")),
    ("gbk", lambda s: s.encode("gbk")),
    ("gb18030", lambda s: s.encode("gb18030")),
    ("big5", lambda s: s.encode("big5")),
    ("utf-16-le-bom", lambda s: b"\xff\xfe" + s.encode("utf-16-le")),
    ("utf-16-be-bom", lambda s: b"\xfe\xff" + s.encode("utf-16-be")),
]


@pytest.mark.parametrize(("name", "encode"), ENCODINGS, ids=[e[0] for e in ENCODINGS])
def test_corpus_decode_traditional_sentence_in_every_encoding(name, encode):
    assert len(HANT) >= 20
    assert decode_bytes(encode(HANT)) == HANT


@pytest.mark.parametrize(("name", "encode"), [e for e in ENCODINGS if e[0] != "big5"], ids=lambda x: x if isinstance(x, str) else "")
def test_corpus_decode_simplified_sentence(name, encode):
    assert decode_bytes(encode(HANS)) == HANS


def test_corpus_decode_gb2312_is_read_as_gb18030():
    assert decode_bytes(HANS.encode("gb2312")) == HANS


def test_corpus_decode_truncated_utf8_drops_only_the_cut_character():
    data = HANS.encode("utf-8")
    cut = data[:-1]  # 。 is 3 bytes; cut inside it
    assert decode_bytes(cut) == HANS[:-1]
    assert decode_bytes(data[:-2]) == HANS[:-1]


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(40)),
        b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"word/document.xml",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
        "支付宝".encode("utf-8") + b"\x00\x01\x02\x00" + "微信".encode("utf-8"),
    ],
    ids=["png", "zip", "pdf", "nul-bytes"],
)
def test_corpus_decode_binary(data):
    with pytest.raises(InputError) as exc:
        decode_bytes(data)
    assert exc.value.reason == "binary"


@pytest.mark.parametrize(
    "data", [b"", b"   \n\t\r\n ", "\u3000\u3000\n".encode("utf-8"), b"\xef\xbb\xbf  \n"], ids=["empty", "spaces", "ideographic-space", "bom-only"]
)
def test_corpus_decode_empty(data):
    with pytest.raises(InputError) as exc:
        decode_bytes(data)
    assert exc.value.reason == "empty"


@pytest.mark.parametrize(
    "data",
    [
        HANS.encode("utf-8").decode("latin-1").encode("utf-8"),  # double-encoded UTF-8
        (HANS * 3).encode("utf-8").decode("gbk", errors="ignore").encode("utf-8"),  # UTF-8 read as GBK, saved
        "\ue000\ue001\ue002支付宝".encode("utf-8"),  # private-use characters
    ],
    ids=["utf8-as-latin1", "utf8-as-gbk", "private-use"],
)
def test_corpus_decode_mojibake_is_implausible(data):
    with pytest.raises(InputError) as exc:
        decode_bytes(data)
    assert exc.value.reason == "implausible"
    assert "UTF-8" in str(exc.value)  # the message says how to fix it


def test_corpus_input_error_is_a_kg_error():
    with pytest.raises(KGError):
        decode_bytes(b"")


def test_corpus_clean_text_newlines_and_controls():
    assert to_clean_text("a\r\nb\rc\x00d\x07e\tf\u0085g\u200bh") == "a\nb\ncde\tfg\u200bh"


@given(st.text(alphabet=st.characters(max_codepoint=0x2FFF)))
def test_corpus_clean_text_removes_every_control_but_tab_and_newline(text):
    expected = "".join(c for c in text.replace("\r\n", "\n").replace("\r", "\n")
                       if c in "\t\n" or unicodedata.category(c) != "Cc")
    assert to_clean_text(text) == expected


# --------------------------------------------------------------------------- formats

def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def read_one(path: Path, root: Path):
    articles, skipped = read_file(path, root)
    assert skipped == []
    assert len(articles) == 1
    return articles[0]


def test_corpus_txt_title_and_text(tmp_path):
    body = f"支付宝推出新功能\r\n\r\n{HANS}\x07\n"
    art = read_one(write(tmp_path / "a" / "001-news.txt", body.encode("gbk") + b"\x00" * 64), tmp_path)
    assert art.id == "001-news"
    assert art.title == "支付宝推出新功能"
    assert art.text == f"支付宝推出新功能\n\n{HANS}\n"
    assert art.path == "a/001-news.txt"
    assert art.content_hash == hashlib.sha256(art.text.encode("utf-8")).hexdigest()


@pytest.mark.parametrize(
    "body",
    ["长" * 61 + "\n\n" + HANS, "第一行\n第二行紧接着\n" + HANS, HANS],
    ids=["long-first-line", "no-blank-line", "single-line"],
)
def test_corpus_txt_without_title(tmp_path, body):
    art = read_one(write(tmp_path / "x.txt", body), tmp_path)
    assert art.title == ""
    assert art.text == body


def test_corpus_md_front_matter(tmp_path):
    md = (
        "---\n"
        "title: \"网商银行开业\"\n"
        "date: 2015-06-25\n"
        "source: 编辑部\n"
        "url: https://example.org/a?b=1\n"
        "id: mybank-opens\n"
        "tags: 银行\n"
        "---\n\n"
        f"# 正文标题\n\n{HANS}\n"
    )
    art = read_one(write(tmp_path / "02.md", md), tmp_path)
    assert (art.id, art.title, art.date, art.source, art.url) == (
        "mybank-opens", "网商银行开业", "2015-06-25", "编辑部", "https://example.org/a?b=1",
    )
    assert art.text == f"# 正文标题\n\n{HANS}\n"
    assert "---" not in art.text


def test_corpus_md_without_front_matter_uses_heading(tmp_path):
    art = read_one(write(tmp_path / "n.md", f"# 标题在这里\n\n{HANS}"), tmp_path)
    assert (art.id, art.title) == ("n", "标题在这里")
    assert art.text.startswith("# 标题在这里")


def test_corpus_md_unclosed_front_matter_is_body(tmp_path):
    md = f"---\ntitle: 没有结束\n{HANS}\n"
    art = read_one(write(tmp_path / "u.md", md), tmp_path)
    assert art.title == ""
    assert art.text == md


HTML = """<!DOCTYPE html><html><head><meta charset="utf-8">
<title>易观报告发布</title><meta name="date" content="2017-05-17">
<link rel="canonical" href="https://example.org/r">
<style>body { color: red; }</style>
<script>console.log("脚本里的假句子：支付宝与微信支付合作");</script></head>
<body><header><nav><a href="/">首页导航</a></nav></header>
<main><article><h1>文章标题</h1>
<p>第一段：支付宝
以53.70%的份额<b>位居第一</b>。</p>
<div><p>第二段：财付通排名第二。</p></div><ul><li>要点一</li><li>要点二</li></ul>
<form>搜索表单</form><noscript>请启用脚本</noscript></article></main>
<aside>相关阅读侧栏</aside><footer>版权所有页脚</footer></body></html>"""


def test_corpus_html_keeps_article_text_only(tmp_path):
    art = read_one(write(tmp_path / "13.html", HTML), tmp_path)
    assert art.title == "易观报告发布"
    assert (art.date, art.url) == ("2017-05-17", "https://example.org/r")
    assert art.text.split("\n") == [
        "文章标题",
        "第一段：支付宝 以53.70%的份额位居第一。",
        "第二段：财付通排名第二。",
        "要点一",
        "要点二",
    ]
    for junk in ("假句子", "首页导航", "侧栏", "页脚", "搜索表单", "请启用脚本", "color"):
        assert junk not in art.text


def test_corpus_html_without_article_uses_body_and_h1(tmp_path):
    page = "<html><body><nav>菜单</nav><h1>只有一级标题</h1><p>正文段落。</p><footer>页脚</footer></body></html>"
    art = read_one(write(tmp_path / "p.htm", page), tmp_path)
    assert art.title == "只有一级标题"
    assert art.text == "只有一级标题\n正文段落。"


def test_corpus_html_gbk_page(tmp_path):
    page = f'<html><head><meta charset="gbk"><title>标题</title></head><body><p>{HANS}</p></body></html>'
    art = read_one(write(tmp_path / "g.html", page.encode("gbk")), tmp_path)
    assert art.text == HANS


def test_corpus_html_without_text_is_empty(tmp_path):
    articles, skipped = read_file(write(tmp_path / "e.html", "<html><script>var a = 1;</script></html>"), tmp_path)
    assert articles == []
    assert [s.reason for s in skipped] == ["empty"]


def test_corpus_jsonl_bad_line_skipped_others_read(tmp_path):
    lines = [
        json.dumps({"id": "a1", "title": "标题一", "date": "2020-01-01", "text": "第一篇\r\n正文\u0000。"}, ensure_ascii=False),
        "{not json",
        "",
        json.dumps({"text": "没有编号的第二篇。", "url": "https://example.org/2"}, ensure_ascii=False),
        json.dumps(["a", "list"]),
        json.dumps({"id": "no-text"}),
        json.dumps({"id": "blank", "text": "   "}),
        json.dumps({"id": 7, "text": "数字编号。"}, ensure_ascii=False),
    ]
    path = write(tmp_path / "sub" / "briefs.jsonl", "\n".join(lines) + "\n")
    articles, skipped = read_file(path, tmp_path)
    assert [(a.id, a.text) for a in articles] == [("a1", "第一篇\n正文。"), ("briefs-4", "没有编号的第二篇。"), ("7", "数字编号。")]
    assert articles[0].title == "标题一" and articles[0].date == "2020-01-01"
    assert articles[1].url == "https://example.org/2"
    assert all(a.path == "sub/briefs.jsonl" for a in articles)
    assert [(s.path, s.reason) for s in skipped] == [
        ("sub/briefs.jsonl:2", "bad-jsonl"),
        ("sub/briefs.jsonl:5", "bad-jsonl"),
        ("sub/briefs.jsonl:6", "bad-jsonl"),
        ("sub/briefs.jsonl:7", "empty"),
    ]
    assert all(s.message.startswith(s.path) for s in skipped)


def test_corpus_jsonl_without_any_article_is_one_skip(tmp_path):
    path = write(tmp_path / "entities.jsonl", "\n".join(json.dumps({"entities": [i]}) for i in range(5)))
    articles, skipped = read_file(path, tmp_path)
    assert articles == []
    assert [(s.path, s.reason) for s in skipped] == [("entities.jsonl", "bad-jsonl")]


# --------------------------------------------------------------------------- folders

def test_corpus_read_corpus_folder(tmp_path):
    root = tmp_path / "corpus"
    write(root / "README.md", "# 说明\n\n这不是文章。")
    write(root / "readme.MD", "# 说明\n\n这也不是文章。")
    write(root / ".hidden.txt", HANS)
    write(root / ".git" / "x.txt", HANS)
    write(root / "b.txt", HANS)
    write(root / "a" / "b.txt", "另一篇文章，编号相同。")
    write(root / "c" / "b.md", "---\nid: b\n---\n第三篇同号文章。")
    write(root / "d.jsonl", json.dumps({"id": "b-2", "text": "已经占用了b-2。"}, ensure_ascii=False))
    write(root / "image.png", b"\x89PNG\r\n\x1a\nxxxx")
    write(root / "notes.docx", b"PK\x03\x04")
    write(root / "cover.txt", b"\x89PNG\r\n\x1a\nxxxx")
    write(root / "garbled.txt", HANS.encode("utf-8").decode("latin-1").encode("utf-8"))
    articles, skipped = read_corpus(root)
    assert [(a.id, a.path) for a in articles] == [
        ("b", "a/b.txt"),
        ("b-2", "b.txt"),
        ("b-3", "c/b.md"),
        ("b-2-2", "d.jsonl"),
    ]
    assert sorted((s.path, s.reason) for s in skipped) == [
        ("cover.txt", "binary"),
        ("garbled.txt", "implausible"),
        ("image.png", "unsupported"),
        ("notes.docx", "unsupported"),
    ]
    assert all(s.path in s.message for s in skipped)
    # Stable: reading again gives the same ids and hashes.
    assert read_corpus(root) == (articles, skipped)


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks")
def test_corpus_symlinks(tmp_path):
    root = tmp_path / "corpus"
    outside = write(tmp_path / "secret.txt", "语料库之外的文件。")
    inside = write(root / "real.txt", HANS)
    (root / "escape.txt").symlink_to(outside)
    (root / "alias.txt").symlink_to(inside)
    (root / "loop").symlink_to(root, target_is_directory=True)
    (root / "broken.txt").symlink_to(tmp_path / "missing.txt")
    articles, skipped = read_corpus(root)
    assert [a.path for a in articles] == ["alias.txt", "real.txt"]
    assert sorted((s.path, s.reason) for s in skipped) == [
        ("broken.txt", "unreadable"),
        ("escape.txt", "outside-corpus"),
    ]


def test_corpus_missing_root(tmp_path):
    with pytest.raises(InputError) as exc:
        read_corpus(tmp_path / "nope")
    assert exc.value.reason == "missing"


# --------------------------------------------------------------------------- real corpora

MAIN_CORPUS = Path(__file__).resolve().parents[1] / "corpus"
REAL_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus-real"  # ../shared beside the repo


@pytest.mark.skipif(not MAIN_CORPUS.is_dir(), reason="sample corpus not present")
def test_corpus_sample_corpus_reads_cleanly():
    articles, skipped = read_corpus(MAIN_CORPUS)
    assert skipped == []
    assert len(articles) >= 15
    assert len({a.id for a in articles}) == len(articles)
    assert "README.md" not in {a.path for a in articles}
    by_id = {a.id: a for a in articles}
    assert "微信红包" in by_id["12-gbk-wechat-pay-redpacket"].text  # the GBK file
    assert "中國銀聯" in by_id["09-apple-pay-samsung-pay-hant"].text  # traditional kept as read
    html = by_id["13-analysys-mobile-payment-2017q1"].text
    assert "支付宝" in html and "假句子" not in html and "相关阅读" not in html
    assert by_id["14b-foreign-visitors-mobile-payment-2023"].path == "14-briefs.jsonl"


@pytest.mark.skipif(not REAL_CORPUS.is_dir(), reason="shared real corpus not present")
def test_corpus_real_corpus_txt_files_all_read():
    articles, skipped = read_corpus(REAL_CORPUS)
    txt = [a for a in articles if a.path.endswith(".txt")]
    assert len(txt) == len(list(REAL_CORPUS.glob("*.txt")))
    assert not [s for s in skipped if s.path.endswith(".txt")]


def test_corpus_a_file_checked_by_the_previous_build_is_not_checked_again(tmp_path, monkeypatch):
    import kg.corpus.decode as decode
    from kg.corpus.decode import CheckedTexts

    (tmp_path / "a.txt").write_text("支付宝与大润发签订了合同。", encoding="utf-8")
    first = CheckedTexts()
    read_corpus(tmp_path, first)
    assert len(first.passed) == 1
    calls = []
    real = decode._check_text
    monkeypatch.setattr(decode, "_check_text", lambda text, enc: calls.append(enc) or real(text, enc))
    articles, _ = read_corpus(tmp_path, CheckedTexts(first.passed))
    assert calls == [] and articles[0].text == "支付宝与大润发签订了合同。"
    (tmp_path / "a.txt").write_text("支付宝与大润发签订了新的合同。", encoding="utf-8")  # changed: checked again
    read_corpus(tmp_path, CheckedTexts(first.passed))
    assert calls == ["UTF-8"]


def test_corpus_a_garbled_file_is_skipped_whatever_was_checked_before(tmp_path):
    from kg.corpus.decode import CheckedTexts

    (tmp_path / "good.txt").write_text("支付宝与大润发签订了合同。", encoding="utf-8")
    (tmp_path / "bad.txt").write_bytes("支付宝与大润发签订了合同。".encode("utf-8").decode("latin-1").encode("utf-8"))
    first = CheckedTexts()
    read_corpus(tmp_path, first)
    articles, skipped = read_corpus(tmp_path, CheckedTexts(first.passed))
    assert [a.id for a in articles] == ["good"] and [s.reason for s in skipped] == ["implausible"]
