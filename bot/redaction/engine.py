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

The model annotates exactly as `deduce.Deduce()` does (an opt-in test compares them:
TAAI_SLOW_TESTS=1). Two internal details differ:

- deduce's multi-token lookups use `docdeid.ds.LookupTrie` (about two million small
  objects); here they use `CompactTrie`, the same trie as nested dicts, which answers
  `longest_matching_prefix` identically;
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
from importlib import metadata
from pathlib import Path
from typing import Any, Iterator, Optional

logger = logging.getLogger(__name__)

# Bump when the layout of the cache file changes.
CACHE_FORMAT = 1

# The third-party loggers that could ever see a message's text: WARNING and up only.
QUIET_LOGGERS = ("deduce", "docdeid")

_TERMINAL = None  # key in a trie node: a lookup value ends here
_LEAF = 0  # a child that ends a lookup value and has no children of its own


def silence_third_party_loggers() -> None:
    for name in QUIET_LOGGERS:
        third_party = logging.getLogger(name)
        if third_party.level < logging.WARNING:  # also NOTSET, which inherits
            third_party.setLevel(logging.WARNING)


# --- where the cache lives -----------------------------------------------------------

def cache_dir() -> Path:
    """TAAI_CACHE_DIR, else $XDG_CACHE_HOME/taai, else ~/.cache/taai.

    Deliberately not under TAAI_VAR_DIR: every fresh state directory (tests, a new
    deployment) would otherwise pay the full build again for the same public lists."""
    explicit = os.environ.get("TAAI_CACHE_DIR", "").strip()
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "taai"


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
    return (f"deduce-{v['deduce']}_docdeid-{v['docdeid']}_py{v['python']}"
            f"_m{v['marshal']}_f{v['format']}")


def cache_file(directory: Optional[Path] = None) -> Path:
    return (directory or cache_dir()) / f"deduce-lookup_{cache_key()}.marshal"


# --- the compact trie ----------------------------------------------------------------

class CompactTrie:
    """docdeid's LookupTrie as nested dicts, for `MultiTokenLookupAnnotator.annotate`.

    A node is a dict from token to child; a child is either a node or `_LEAF` (a value
    ends there and nothing continues); the key `None` in a node marks that a value ends
    there too. Like LookupTrie, the root's matching pipeline (if any) is applied to
    every token of the text looked up, and keys are stored exactly as LookupTrie
    stored them."""

    __slots__ = ("root", "matching_pipeline")

    def __init__(self, root: dict, matching_pipeline: Optional[list] = None) -> None:
        self.root = root
        self.matching_pipeline = matching_pipeline

    def _apply_matching_pipeline(self, item: str) -> str:
        if self.matching_pipeline is not None:
            for processor in self.matching_pipeline:
                item = processor.process(item)
        return item

    def longest_matching_prefix(self, item: list[str]) -> Optional[list[str]]:
        node: Any = self.root
        longest = 0
        pipeline = self.matching_pipeline
        for i, token in enumerate(item):
            if pipeline is not None:
                token = self._apply_matching_pipeline(token)
            child = node.get(token, None)
            if child is None:
                break
            if type(child) is int:  # _LEAF
                longest = i + 1
                break
            if _TERMINAL in child:
                longest = i + 1
            node = child
        if not longest:
            return None
        return [self._apply_matching_pipeline(token) for token in item[:longest]]

    @classmethod
    def from_lookup_trie(cls, trie: Any) -> "CompactTrie":
        return cls(_compact_node(trie), trie.matching_pipeline)


def _compact_node(trie: Any) -> Any:
    if not trie.children:
        return _LEAF if trie.is_terminal else {}
    node: dict = {key: _compact_node(child) for key, child in trie.children.items()}
    if trie.is_terminal:
        node[_TERMINAL] = 1
    return node


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
        if isinstance(trie, CompactTrie):
            tries[path] = (_pipeline_spec(trie.matching_pipeline), trie.root)
        else:
            tries[path] = (_pipeline_spec(trie.matching_pipeline), _compact_node(trie))
    return {"key": cache_key(), "versions": versions(), "lookup_sets": lookup_sets, "tries": tries}


def use_compact_tries(model: Any, payload: dict) -> None:
    """Swap every multi-token annotator's trie for its CompactTrie from `payload`."""
    annotators = dict(_multi_token_annotators(model.processors))
    tries = payload["tries"]
    if set(annotators) != set(tries):
        raise CacheUnusable("the cached tries do not match deduce's annotators")
    for path, annotator in annotators.items():
        spec, root = tries[path]
        if not isinstance(root, (dict, int)):
            raise CacheUnusable("malformed trie in cache")
        annotator.trie = CompactTrie(root if isinstance(root, dict) else {}, _pipeline_from_spec(spec))


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
    except FileNotFoundError:
        return None
    except (OSError, EOFError, ValueError, TypeError) as error:
        logger.warning("redaction: lookup cache unreadable (%s), building it again", type(error).__name__)
        return None
    return payload if isinstance(payload, dict) else None


def write_cache(path: Path, payload: dict) -> bool:
    if not _private_dir(path.parent):
        logger.warning("redaction: cache directory %s is not private or not writable; "
                       "deduce will be built at every start", path.parent)
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
    # Caches of other deduce/docdeid/Python versions are of no use any more.
    for stale in path.parent.glob("deduce-lookup_*.marshal"):
        if stale != path:
            with contextlib.suppress(OSError):
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
        logger.info("redaction: deduce built in %.1f s%s", time.perf_counter() - started,
                    ", cache written" if written else "")
        return model, "built"
