"""Read a corpus folder into :class:`~kg.records.Article` records.

Supported files: ``*.txt *.md *.html *.htm *.jsonl`` in any common Chinese encoding
(UTF-8 with or without BOM, UTF-16 with BOM, GB2312/GBK/GB18030, Big5).
A file that cannot be used becomes one :class:`~kg.records.Skipped` record (reason code
plus a message naming the file and the fix); reading never stops for a bad file.

Decisions:
- ``README.md`` (any case) and hidden files/folders are ignored without a record.
- A symlink that resolves outside the corpus root is skipped as ``outside-corpus``;
  a symlinked folder inside the root is not followed (its files are read via their real path).
- UTF-8 cut off inside the last character (a truncated download) is read: the incomplete
  character at the very end is dropped. Invalid UTF-8 elsewhere is not "UTF-8".
- ``Article.text`` is the decoded text with ``\\r\\n``/``\\r`` turned into ``\\n`` and
  control characters (category Cc, except ``\\n`` and ``\\t``) removed; nothing else changes.
  For ``.txt`` the title line stays in the text; for ``.md`` the front matter is removed.

Modules: :mod:`kg.corpus.decode` (bytes -> text, reason codes), :mod:`kg.corpus.formats`
(text -> article text and metadata per format), :mod:`kg.corpus.read` (files and folders).
"""
from kg.corpus.decode import decode_bytes
from kg.corpus.formats import to_clean_text
from kg.corpus.read import SUPPORTED_SUFFIXES, read_corpus, read_file, read_jsonl

__all__ = ["read_corpus", "read_file", "read_jsonl", "decode_bytes", "to_clean_text", "SUPPORTED_SUFFIXES"]
