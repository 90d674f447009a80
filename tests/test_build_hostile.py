"""The whole build over a corpus of hostile files: nothing crashes, nothing is lost silently."""
import io
import json
import os
import zipfile
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Graph

from kg.build import run_build

SENTENCE = "2016年2月18日，中国银联与苹果达成合作，招商银行首批支持。此前，支付宝已与大润发签订了合同。"


def make_hostile_corpus(root: Path) -> Path:
    c = root / "corpus"
    c.mkdir()
    w = lambda name, data: (c / name).write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    for enc in ("utf-8", "utf-8-sig", "gbk", "gb18030", "big5", "utf-16"):
        w(f"enc-{enc}.txt", SENTENCE.encode(enc, errors="replace") if enc != "big5" else "招商銀行與中國銀聯達成合作，支付寶也在其中。".encode("big5"))
    w("enc-utf-16-be.txt", b"\xfe\xff" + SENTENCE.encode("utf-16-be"))
    w("truncated-utf8.txt", SENTENCE.encode("utf-8")[:-1])
    w("mixed-encodings.txt", SENTENCE.encode("utf-8") + SENTENCE.encode("gbk"))
    w("short-2.txt", "银联")
    w("short-1.txt", "银")
    w("empty.txt", b"")
    w("whitespace.txt", "  \n\t \u3000\n")
    w("newlines.md", "\n\n\n")
    w("image.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("a.txt", SENTENCE)
    w("archive.txt", buf.getvalue())
    w("paper.md", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n" + bytes(200))
    w("random.html", os.urandom(2048))
    w("elf.txt", b"\x7fELF\x02\x01\x01" + bytes(300))
    w("huge-line.txt", SENTENCE * 6000)
    w("nul-inside.txt", SENTENCE[:10] + "\x00\x00" + SENTENCE[10:])
    w("controls.txt", "\x01\x02" + SENTENCE + "\x1b[31m")
    w("zero-width.txt", SENTENCE.replace("支付宝", "支付\u200b宝").replace("银联", "银\u200d联"))
    w("bidi.txt", SENTENCE.replace("大润发", "\u202e大润发\u202c"))
    w("fullwidth.txt", "ＡＢＣ银行与支付宝签约，ＵｎｉｏｎＰａｙ表示欢迎。")
    w("traditional.md", "---\ntitle: 繁體\n---\n招商銀行與中國銀聯達成合作。")
    w("script.html", "<html><head><script>alert('支付宝与微信支付合作')</script><style>p{}</style></head>"
                     "<body><nav>首页</nav><article><p>" + SENTENCE + "</p></article></body></html>")
    w("broken.html", "<html><body><p>" + SENTENCE + "<div><span></p></article>")
    w("only-script.html", "<html><script>var x = 1;</script></html>")
    w("xss.md", "---\ntitle: <script>window.__xss=1</script>\nurl: javascript:alert(1)\n---\n"
                "“<img src=x onerror=alert(1)>”计划由支付宝推出。支付宝与<script>alert(1)</script>银行合作。")
    for name in ("notes.txt.swp", "draft.md~", "#autosave.txt#", "data.csv", "report.docx", "Thumbs.db"):
        w(name, b"\x00\x01binary-ish droppings")
    w(".DS_Store", b"\x00\x00\x00\x01Bud1")
    outside = root / "outside.txt"
    outside.write_text(SENTENCE, encoding="utf-8")
    os.symlink(outside, c / "link-outside.txt")
    os.symlink(c / "enc-utf-8.txt", c / "link-inside.txt")
    os.symlink(c / "missing-target.txt", c / "link-broken.txt")
    for name in ("name with spaces.txt", "colon:name.txt", "hash#name.txt", "-leading-dash.txt", "支付" * 21 + ".txt"):
        w(name, SENTENCE)
    w("dup-a.txt", SENTENCE)
    w("dup-b.txt", SENTENCE)
    w("good.jsonl", "\n".join([json.dumps({"id": "j1", "text": SENTENCE}, ensure_ascii=False), "{not json",
                               json.dumps({"id": "j2"}), json.dumps([1, 2]), json.dumps({"id": "j1", "text": "银联"}, ensure_ascii=False)]))
    w("not-articles.jsonl", "\n".join(json.dumps({"entities": ["x"]}) for _ in range(5)))
    w("bad-front-matter.md", "---\ntitle: 没有结束\n" + SENTENCE)
    w("front-matter-only.md", "---\ntitle: 只有元数据\n---\n")
    w("korean.txt", "한국어 텍스트는 이 코퍼스에 속하지 않습니다. " * 5)
    w("mojibake.txt", SENTENCE.encode("utf-8").decode("latin-1").encode("utf-8"))
    (c / "deep" / "er" / "est").mkdir(parents=True)
    (c / "deep" / "er" / "est" / "nested.md").write_text(SENTENCE, encoding="utf-8")
    w("latin-only.txt", "Just an English sentence about UnionPay and Alipay partnering." * 3)
    w("numbers.txt", "2015年第三季度 71.51% 15.99% 1.53亿 " * 10)
    w("emoji.txt", "😀" * 50 + SENTENCE)
    w("crlf.txt", SENTENCE.replace("。", "。\r\n"))
    w("cr-only.txt", SENTENCE.replace("。", "。\r"))
    w("pua.txt", "\ue000\ue001\ue002" * 30 + SENTENCE)
    w("surrogate-escape.txt", b"\xed\xa0\x80" + SENTENCE.encode("utf-8"))
    w("long-name-entity.txt", "北京" + "很长很长" * 200 + "有限公司与支付宝合作。")
    w("many-quotes.txt", "“" * 500 + SENTENCE + "”" * 500)
    w("book-titles.txt", "《" * 300 + "报告》" + SENTENCE)
    return c


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    corpus = make_hostile_corpus(root)
    res = run_build(corpus, root / "out", use_cache=False)
    return corpus, root / "out", res


def visible_files(corpus: Path) -> set[str]:
    out = set()
    for dirpath, dirnames, filenames in os.walk(corpus):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for f in filenames:
            if not f.startswith(".") and f.lower() != "readme.md":
                out.add(Path(dirpath, f).relative_to(corpus).as_posix())
    return out


def test_build_hostile_corpus_has_at_least_60_files(hostile):
    corpus, _, _ = hostile
    assert len(visible_files(corpus)) >= 60


def test_build_hostile_every_file_is_read_or_skipped_with_a_reason(hostile):
    corpus, _, res = hostile
    read = {x.article.path for x in res.extractions}
    skipped = {s.path.rsplit(":", 1)[0] if s.path.endswith(tuple("0123456789")) and ".jsonl:" in s.path else s.path
               for s in res.skipped}
    assert visible_files(corpus) <= read | skipped
    for s in res.skipped:
        assert s.reason and s.message


@pytest.mark.parametrize("name, reason", [
    ("empty.txt", "empty"), ("whitespace.txt", "empty"), ("image.txt", "binary"), ("archive.txt", "binary"),
    ("paper.md", "binary"), ("elf.txt", "binary"), ("link-outside.txt", "outside-corpus"),
    ("mojibake.txt", "implausible"), ("data.csv", "unsupported"), ("not-articles.jsonl", "bad-jsonl"),
])
def test_build_hostile_skip_reasons(hostile, name, reason):
    _, _, res = hostile
    assert {s.path: s.reason for s in res.skipped}.get(name) == reason


@pytest.mark.parametrize("name", ["enc-gbk.txt", "enc-big5.txt", "enc-utf-16.txt", "enc-utf-16-be.txt", "enc-utf-8-sig.txt",
                                  "zero-width.txt", "traditional.md", "script.html", "name with spaces.txt", "colon:name.txt"])
def test_build_hostile_decodable_files_give_facts(hostile, name):
    _, _, res = hostile
    x = next(x for x in res.extractions if x.article.path == name)
    assert {"中国银联", "招商银行"} & {m.label for m in x.mentions}


def test_build_hostile_script_text_never_becomes_a_fact(hostile):
    _, _, res = hostile
    x = next(x for x in res.extractions if x.article.path == "script.html")
    assert "alert" not in x.article.text and "首页" not in x.article.text


def test_build_hostile_outputs_reparse_in_rdflib_and_pyoxigraph(hostile):
    _, out, res = hostile
    assert res.report["shacl"]["conforms"]
    g = Graph().parse(out / "graph.ttl", format="turtle")
    assert len(g) == len(Graph().parse(out / "graph.nt", format="nt"))
    store = pyoxigraph.Store()
    store.load(path=str(out / "graph.nt"), format=pyoxigraph.RdfFormat.N_TRIPLES)
    assert len(store) == len(g)
