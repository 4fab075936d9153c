"""deduce 2.5.0, loaded in seconds instead of a minute.

deduce builds its lookup structures (about 1.3 million names, streets and places, each
tokenized into a trie) every time a process starts: about a minute on two cores. This
module builds them once with deduce itself, keeps the result in a cache file, and
afterwards assembles the same model from that file.

The cache holds only deduce's own public word lists (names, streets, places), never
anything a user typed. It is written with `marshal` (plain dicts, sets and strings, no
code is run when it is read), to a directory only this user can write, and its name
carries the versions of deduce, docdeid and Python: an upgrade builds a fresh one.
Any problem with the cache (missing, truncated, another version, wrong owner) means
"build it again", never an error.

The model annotates exactly as `deduce.Deduce()` does: checked by hand whenever the
cache layout changes (same annotations on the test suite's policy and client
sentences; building a fresh deduce takes minutes, too long for every `make test`),
and tests/unit/test_redaction.py compares CompactTrie with docdeid's LookupTrie on
thousands of streets. Two internal details differ:

- deduce's multi-token lookups use `docdeid.ds.LookupTrie` (about two million small
  objects); here they use `CompactTrie`, the same values as one sorted string searched
  by bisection, which answers `longest_matching_prefix` identically;
- the lookup sets that deduce only reads to fill those tries (streets, institutions,
  place names, first and last names) stay empty in a model read from the cache.

`bound_context_rules` (applied by the Redactor, also to a freshly built model) caps
deduce's context rules at MAX_CONTEXT_ROUNDS rounds: same result on real text, but no
minutes-long runs on "Jan Jan Jan ...".
"""

from __future__ import annotations

import contextlib
import copy
import gc
import importlib
import logging
import marshal
import os
import sys
import tempfile
import time
from array import array
from bisect import bisect_left
from importlib import metadata
from itertools import accumulate
from pathlib import Path
from typing import Any, Iterable, Iterator, Optional

from bot.runtime.settings import cache_dir

logger = logging.getLogger(__name__)

# Bump when the layout of the cache file changes. 3: tries as sorted strings.
CACHE_FORMAT = 3
# A cache file of another version that no process has read for this long is deleted.
STALE_CACHE_DAYS = 14

# The third-party loggers that could ever see a message's text: WARNING and up only.
QUIET_LOGGERS = ("deduce", "docdeid")

_SEP = "\x00"  # between the tokens of one key of a CompactTrie: sorts before all else
_AFTER_SEP = "\x01"
_ENDS_TYPE = "I"  # unsigned int offsets into a CompactTrie's string
_START_CHARS = 3


def silence_third_party_loggers() -> None:
    for name in QUIET_LOGGERS:
        third_party = logging.getLogger(name)
        if third_party.level < logging.WARNING:  # also NOTSET, which inherits
            third_party.setLevel(logging.WARNING)


# --- where the cache lives: cache_dir() (TAAI_CACHE_DIR, bot/runtime/settings.py) -----


def versions() -> dict[str, str]:
    return {
        "deduce": metadata.version("deduce"),
        "docdeid": metadata.version("docdeid"),
        "python": f"{sys.version_info.major}.{sys.version_info.minor}",
        "marshal": str(marshal.version),
        "format": str(CACHE_FORMAT),
    }


def cache_key() -> str:
    v = versions()
    return f"deduce-{v['deduce']}_docdeid-{v['docdeid']}_py{v['python']}_m{v['marshal']}_f{v['format']}"


def cache_file(directory: Optional[Path] = None) -> Path:
    return (directory or cache_dir()) / f"deduce-lookup_{cache_key()}.marshal"


# --- the compact trie ----------------------------------------------------------------


class CompactTrie:
    """docdeid's LookupTrie as one sorted string, for `MultiTokenLookupAnnotator.annotate`.

    Every lookup value is a key: its tokens joined by NUL. The keys are sorted and
    concatenated into one string, `ends` holds where each key ends. A prefix of
    tokens is found by binary search: because NUL sorts before every other
    character, the keys that continue a prefix form one run directly after it.
    This holds the 1.9 million trie nodes of deduce's street and institution lists
    in about 30 MB, where nested dicts took about 280 MB of every Rasa process.

    Like LookupTrie, the matching pipeline (if any) is applied to every token looked
    up, keys are stored exactly as LookupTrie stored them, and the answer is the
    longest prefix of the tokens that is a whole lookup value."""

    __slots__ = ("blob", "ends", "starts", "matching_pipeline")

    def __init__(
        self, blob: str, ends: array, matching_pipeline: Optional[list] = None, starts: Optional[dict] = None
    ) -> None:
        self.blob = blob
        self.ends = ends
        self.matching_pipeline = matching_pipeline
        # The run of keys that start with each 1-3 character string: most tokens of a
        # text start no key at all and are done with one dict lookup, the others
        # search a run of dozens of keys instead of a million.
        self.starts = _runs_by_start(self) if starts is None else starts

    def __len__(self) -> int:
        return len(self.ends)

    def __getitem__(self, index: int) -> str:  # the index-th key, for bisect
        return self.blob[self.ends[index - 1] if index else 0 : self.ends[index]]

    def _apply_matching_pipeline(self, item: str) -> str:
        if self.matching_pipeline is not None:
            for processor in self.matching_pipeline:
                item = processor.process(item)
        return item

    def longest_matching_prefix(self, item: list[str]) -> Optional[list[str]]:
        if not item:
            return None
        first = self._apply_matching_pipeline(item[0])
        lo, hi = self.starts.get(first[:_START_CHARS], (0, 0))
        prefix: Optional[str] = None
        tokens: list[str] = []
        longest = 0
        for index, token in enumerate(item):
            token = first if index == 0 else self._apply_matching_pipeline(token)
            if _SEP in token:  # no key holds one inside a token
                break
            prefix = token if prefix is None else prefix + _SEP + token
            lo = bisect_left(self, prefix, lo, hi)
            if lo == hi:
                break
            tokens.append(token)
            if self[lo] == prefix:
                longest = len(tokens)
                lo += 1
            # The keys that continue this prefix, if any, start right here.
            if lo == hi or not self[lo].startswith(prefix + _SEP):
                break
            hi = bisect_left(self, prefix + _AFTER_SEP, lo, hi)
        return tokens[:longest] if longest else None

    @classmethod
    def from_keys(cls, keys: Iterable[str], matching_pipeline: Optional[list] = None) -> "CompactTrie":
        ordered = sorted(set(keys))
        return cls("".join(ordered), array(_ENDS_TYPE, accumulate(len(key) for key in ordered)), matching_pipeline)

    @classmethod
    def from_lookup_trie(cls, trie: Any) -> "CompactTrie":
        return cls.from_keys(_keys_of(trie), trie.matching_pipeline)


def _runs_by_start(keys: CompactTrie) -> dict[str, tuple[int, int]]:
    """{s: (lo, hi)} for every string s of 1 to _START_CHARS characters that starts a key:
    keys[lo:hi] are the keys starting with s (sorted, so they are one run)."""
    runs: dict[str, tuple[int, int]] = {}
    for length in range(1, _START_CHARS + 1):
        current, lo = None, 0
        for index in range(len(keys) + 1):
            key = keys[index] if index < len(keys) else None
            start = key[:length] if key is not None and len(key) >= length else None
            if start != current:
                if current is not None:
                    runs[current] = (lo, index)
                current, lo = start, index
    return runs


def _keys_of(trie: Any) -> Iterator[str]:
    """Every value of a docdeid LookupTrie, its tokens joined by _SEP."""
    stack: list[tuple[tuple[str, ...], Any]] = [((), trie)]
    while stack:
        path, node = stack.pop()
        if node.is_terminal and path:
            yield _SEP.join(path)
        for token, child in node.children.items():
            if _SEP in token:
                raise CacheUnusable("a lookup value holds the separator character")
            stack.append(((*path, token), child))


# --- a bound on deduce's context rules ------------------------------------------------

# deduce's ContextAnnotator grows annotations one token per rule and repeats, by
# recursion, until nothing changes. On a run of name-like words ("Jan Jan Jan ...")
# that costs O(n^3) time (400 words: more than a minute) and, past ~1000 rounds, a
# RecursionError. Real names and addresses reach their fixpoint in two or three
# rounds; this bound only stops the pathological cases (a round applies every rule,
# so one round can add several tokens).
MAX_CONTEXT_ROUNDS = 8


def _bounded_context_annotate(self: Any, doc: Any, annotations: Any) -> Any:
    """deduce.annotator.ContextAnnotator._annotate as a loop with at most
    MAX_CONTEXT_ROUNDS rounds, otherwise the same steps and the same stop condition."""
    for _ in range(MAX_CONTEXT_ROUNDS):
        original = annotations
        for context_pattern in self.pattern:
            annotations = self._apply_context_pattern(doc, annotations, context_pattern)
        if not (self.iterative and annotations != original):
            break
    return annotations


def bound_context_rules(model: Any) -> int:
    """Give every ContextAnnotator of `model` the bounded loop; returns how many."""
    import types

    from deduce.annotator import ContextAnnotator

    count = 0

    def walk(group: Any) -> None:
        nonlocal count
        for _, processor in group:
            if hasattr(processor, "_processors"):
                walk(processor)
            elif isinstance(processor, ContextAnnotator):
                processor._annotate = types.MethodType(_bounded_context_annotate, processor)
                count += 1

    walk(model.processors)
    return count


# --- (de)serialising deduce's lookup structures --------------------------------------


class CacheUnusable(Exception):
    """The cache cannot be used or made (the message never contains user text)."""


_ALLOWED_PIPELINE_MODULES = ("docdeid.", "deduce.")


def _pipeline_spec(pipeline: Optional[list]) -> Optional[list]:
    if pipeline is None:
        return None
    spec = []
    for processor in pipeline:
        cls = type(processor)
        if vars(processor):  # a processor with settings: not supported by this cache
            raise CacheUnusable(f"matching pipeline step {cls.__name__} has state")
        spec.append(f"{cls.__module__}:{cls.__qualname__}")
    return spec


def _pipeline_from_spec(spec: Optional[list]) -> Optional[list]:
    if spec is None:
        return None
    from docdeid.str.processor import StringModifier

    pipeline = []
    for entry in spec:
        module_name, _, qualname = str(entry).partition(":")
        if not module_name.startswith(_ALLOWED_PIPELINE_MODULES) or "." in qualname:
            raise CacheUnusable("unexpected matching pipeline step in cache")
        cls = getattr(importlib.import_module(module_name), qualname, None)
        if not (isinstance(cls, type) and issubclass(cls, StringModifier)):
            raise CacheUnusable("unexpected matching pipeline step in cache")
        pipeline.append(cls())
    return pipeline


def _multi_token_annotators(group: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    import docdeid as dd

    for name, processor in group:
        path = f"{prefix}{name}"
        if isinstance(processor, dd.process.DocProcessorGroup):
            yield from _multi_token_annotators(processor, path + "/")
        elif isinstance(processor, dd.process.MultiTokenLookupAnnotator):
            yield path, processor


def _trie_only_sets(config: dict) -> set[str]:
    """Lookup sets that deduce reads only to fill a multi-token trie.

    The trie is cached, so these sets (778,000 streets, 449,000 institutions...) are
    left empty in a model assembled from the cache: a second of start-up and 30 MB
    saved. Every other set (read by patterns, context rules or the tokenizer) is kept."""
    feeding, referenced = set(), {"interfixes", "prefixes"}  # the tokenizer's merge terms

    def walk(value: Any, in_multi_token: bool) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if in_multi_token and key == "lookup_values" and isinstance(item, str):
                    feeding.add(item)
                else:
                    walk(item, in_multi_token)
        elif isinstance(value, list):
            for item in value:
                walk(item, in_multi_token)
        elif isinstance(value, str):
            referenced.add(value)

    for info in config.get("annotators", {}).values():
        walk(info, info.get("annotator_type") == "multi_token")
    return feeding - referenced


def snapshot(model: Any) -> dict:
    """The expensive part of a built model, as plain data for marshal."""
    import docdeid as dd

    trie_only = _trie_only_sets(model._initialize_config())  # deduce mutates model.config
    lookup_sets = {}
    for name, lookup_set in model.lookup_sets.items():
        if type(lookup_set) is not dd.ds.LookupSet:
            raise CacheUnusable(f"lookup set {name} is a {type(lookup_set).__name__}")
        items = set() if name in trie_only else set(lookup_set.items())
        lookup_sets[name] = (_pipeline_spec(lookup_set.matching_pipeline), items)
    tries = {}
    for path, annotator in _multi_token_annotators(model.processors):
        trie = annotator.trie
        if not isinstance(trie, CompactTrie):
            trie = CompactTrie.from_lookup_trie(trie)
        tries[path] = (_pipeline_spec(trie.matching_pipeline), trie.blob, trie.ends.tobytes(), trie.starts)
    return {"key": cache_key(), "versions": versions(), "lookup_sets": lookup_sets, "tries": tries}


def use_compact_tries(model: Any, payload: dict) -> None:
    """Swap every multi-token annotator's trie for its CompactTrie from `payload`."""
    annotators = dict(_multi_token_annotators(model.processors))
    tries = payload["tries"]
    if set(annotators) != set(tries):
        raise CacheUnusable("the cached tries do not match deduce's annotators")
    for path, annotator in annotators.items():
        entry = tries[path]
        if not (isinstance(entry, tuple) and len(entry) == 4):
            raise CacheUnusable("malformed trie in cache")
        spec, blob, ends_bytes, starts = entry
        ends = array(_ENDS_TYPE)
        if not (
            isinstance(blob, str)
            and isinstance(ends_bytes, bytes)
            and isinstance(starts, dict)
            and len(ends_bytes) % ends.itemsize == 0
        ):
            raise CacheUnusable("malformed trie in cache")
        ends.frombytes(ends_bytes)
        if (ends[-1] if ends else 0) != len(blob):
            raise CacheUnusable("malformed trie in cache")
        annotator.trie = CompactTrie(blob, ends, _pipeline_from_spec(spec), starts)


def model_from_snapshot(payload: dict) -> Any:
    """Assemble a deduce model from a snapshot, without deduce's expensive steps."""
    import deduce
    import docdeid as dd

    if not isinstance(payload, dict) or payload.get("key") != cache_key():
        raise CacheUnusable("cache is for another version")
    lookup_sets = dd.ds.DsCollection()
    for name, (spec, items) in payload["lookup_sets"].items():
        if not isinstance(items, set):
            raise CacheUnusable("malformed lookup set in cache")
        lookup_set = dd.ds.LookupSet(matching_pipeline=_pipeline_from_spec(spec))
        lookup_set._items = items
        lookup_sets[name] = lookup_set

    model = deduce.Deduce.__new__(deduce.Deduce)
    dd.DocDeid.__init__(model)
    model.config_file = None
    model.use_config_defaults = True
    config = model._initialize_config()
    # The multi-token annotators get an empty list instead of a lookup-set name, so
    # deduce does not tokenize a million values; their tries come from the cache.
    light = copy.deepcopy(config)
    for info in light["annotators"].values():
        if info.get("annotator_type") == "multi_token":
            info["args"]["lookup_values"] = []
    model.config = light
    model.lookup_sets = lookup_sets
    model.tokenizers = model._initialize_tokenizers()
    model.initialize_doc_processors()
    model.config = config
    use_compact_tries(model, payload)
    return model


# --- reading and writing the cache file ----------------------------------------------


def _private_dir(directory: Path) -> bool:
    """Create `directory` (0700) if needed; True when it belongs to us and only we write."""
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = directory.stat()
    except OSError:
        return False
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        return False
    return not info.st_mode & 0o022


def read_cache(path: Path) -> Optional[dict]:
    try:
        with open(path, "rb") as handle:
            info = os.fstat(handle.fileno())
            if hasattr(os, "getuid") and info.st_uid != os.getuid():
                logger.warning("redaction: ignoring lookup cache owned by another user: %s", path)
                return None
            if info.st_mode & 0o022:
                logger.warning("redaction: ignoring lookup cache others can write: %s", path)
                return None
            # Millions of small dicts: without the cyclic GC running in between, this
            # takes a third of the time.
            gc_was_enabled = gc.isenabled()
            gc.disable()
            try:
                payload = marshal.loads(handle.read())
            finally:
                if gc_was_enabled:
                    gc.enable()
        with contextlib.suppress(OSError):
            os.utime(path)  # "last used", for the clean-up in write_cache
    except FileNotFoundError:
        return None
    except (OSError, EOFError, ValueError, TypeError) as error:
        logger.warning("redaction: lookup cache unreadable (%s), building it again", type(error).__name__)
        return None
    return payload if isinstance(payload, dict) else None


def write_cache(path: Path, payload: dict) -> bool:
    if not _private_dir(path.parent):
        logger.warning(
            "redaction: cache directory %s is not private or not writable; deduce will be built at every start",
            path.parent,
        )
        return False
    handle, temporary = tempfile.mkstemp(prefix=".deduce-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            marshal.dump(payload, out)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except (OSError, ValueError) as error:
        logger.warning("redaction: could not write lookup cache (%s)", type(error).__name__)
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        return False
    # Caches of other versions go once unused for a while: not at once, since two
    # checkouts of different versions on one machine would rebuild in turn.
    for stale in path.parent.glob("deduce-lookup_*.marshal"):
        with contextlib.suppress(OSError):
            if stale != path and time.time() - stale.stat().st_mtime > STALE_CACHE_DAYS * 86400:
                stale.unlink()
    return True


@contextlib.contextmanager
def _build_lock(directory: Path) -> Iterator[None]:
    """One process builds, the others wait and then read what it wrote."""
    try:
        import fcntl
    except ImportError:  # not on Linux: no lock, at worst two builds
        yield
        return
    if not _private_dir(directory):
        yield
        return
    try:
        handle = open(directory / "deduce-build.lock", "a+b")
    except OSError:
        yield
        return
    with handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def load_model(use_cache: bool = True, directory: Optional[Path] = None) -> tuple[Any, str]:
    """A ready deduce model and how it was made: "cache", "built" or "built-uncached"."""
    silence_third_party_loggers()
    import deduce

    silence_third_party_loggers()  # again, in case importing configured logging
    if not use_cache:
        return deduce.Deduce(), "built-uncached"
    try:
        directory = directory or cache_dir()
    except (RuntimeError, KeyError, OSError):  # no home directory to be found
        logger.warning("redaction: no cache directory (set TAAI_CACHE_DIR); deduce is built at every start")
        return deduce.Deduce(), "built-uncached"
    path = cache_file(directory)
    with _build_lock(directory):
        payload = read_cache(path)
        if payload is not None:
            try:
                started = time.perf_counter()
                model = model_from_snapshot(payload)
                logger.info("redaction: deduce loaded from cache in %.1f s", time.perf_counter() - started)
                return model, "cache"
            except (CacheUnusable, KeyError, TypeError, ValueError, AttributeError) as error:
                logger.warning("redaction: lookup cache not usable (%s), building it again", type(error).__name__)
        started = time.perf_counter()
        logger.info("redaction: building deduce's lookup lists (once, about a minute)")
        model = deduce.Deduce()
        try:
            payload = snapshot(model)
        except CacheUnusable as error:
            logger.warning("redaction: deduce model cannot be cached (%s)", error)
            return model, "built-uncached"
        use_compact_tries(model, payload)  # the same structures as a warm start
        written = write_cache(path, payload)
        logger.info(
            "redaction: deduce built in %.1f s%s", time.perf_counter() - started, ", cache written" if written else ""
        )
        return model, "built"
