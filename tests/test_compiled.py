"""The compiled modules (setup.py, Cython): used while their source is unchanged, the .py used once
it is edited, and the same answers either way."""
import hashlib
import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import gazetteer
from gazetteer import compiled
from gazetteer.compiled import StaleCompiledFinder, is_compiled

ROOT = Path(__file__).resolve().parent.parent
PURE = os.environ.get("NEWSMAP_PURE_PYTHON") == "1"


def _listed() -> list[str]:
    """The modules setup.py compiles, read from its list."""
    import ast
    tree = ast.parse((ROOT / "setup.py").read_text("utf-8"))
    assign = next(n for n in tree.body if isinstance(n, ast.Assign) and n.targets[0].id == "COMPILED")
    return [elt.value[:-3].replace("/", ".") for elt in assign.value.elts]


def test_an_installed_checkout_runs_the_compiled_modules_of_its_own_sources():
    """.ci/run installs with compiling on: every listed module is compiled from the .py beside it,
    and that compiled module is the one imported (NEWSMAP_PURE_PYTHON=1 runs the .py files)."""
    names = _listed()
    assert "gazetteer.recognize" in names and "geo.events.linking" in names
    if PURE:
        assert not any(is_compiled(importlib.import_module(name)) for name in names)
        return
    assert compiled.MANIFEST.exists(), "not installed: run `pip install -e .` (it compiles), or set NEWSMAP_PURE_PYTHON=1"
    recorded = json.loads(compiled.MANIFEST.read_text("utf-8"))
    for name in names:
        module = importlib.import_module(name)
        source = ROOT / (name.replace(".", "/") + ".py")
        assert recorded[name] == hashlib.sha256(source.read_bytes()).hexdigest(), name
        assert is_compiled(module), (name, module.__file__)


def test_an_edited_source_is_run_instead_of_its_stale_compiled_module():
    finder = StaleCompiledFinder({"gazetteer.recognize": "0" * 64})      # compiled from other code
    spec = finder.find_spec("gazetteer.recognize", gazetteer.__path__)
    assert spec is not None and spec.origin.endswith("recognize.py")
    assert not isinstance(spec.loader, importlib.machinery.ExtensionFileLoader)
    # nothing compiled, or not a project module: Python's own finders answer
    assert finder.find_spec("gazetteer.compiled", gazetteer.__path__) is None
    assert finder.find_spec("json.decoder", [str(Path(json.__file__).parent)]) is None


def test_a_module_compiled_from_its_source_is_used():
    source = Path(gazetteer.__path__[0]) / "recognize.py"
    finder = StaleCompiledFinder({"gazetteer.recognize": hashlib.sha256(source.read_bytes()).hexdigest()})
    spec = finder.find_spec("gazetteer.recognize", gazetteer.__path__)
    if PURE and not list(source.parent.glob("recognize.*.so")):
        assert spec is None         # nothing compiled here: Python's own finders answer
        return
    assert spec is not None and isinstance(spec.loader, importlib.machinery.ExtensionFileLoader)
    pure = StaleCompiledFinder(finder.recorded, pure=True).find_spec("gazetteer.recognize", gazetteer.__path__)
    assert pure.origin.endswith("recognize.py")


def test_compiled_and_pure_python_give_the_same_answers(tmp_path):
    """parse --jsonl over the seeds and a few hard lines, once compiled and once from the .py files:
    byte-identical output."""
    lines = [json.dumps({"id": p.stem, "text": p.read_text("utf-8")}) for p in sorted((ROOT / "seeds").glob("*.txt"))]
    lines += [json.dumps({"id": "ship", "text": "A merchant vessel was struck by a missile 97 nautical miles "
                                               "northwest of Hodeidah, Yemen, the Houthis said in Sanaa."}),
              json.dumps({"id": "quake", "text": "A magnitude 7.5 earthquake struck about 40 km north-east of "
                                                "Anamizu in Ishikawa prefecture on Monday."}),
              '{"id": "broken", "text": ', json.dumps({"id": "cjk", "text": "北朝鮮は元山から弾道ミサイル2発を発射した。"})]
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    outputs = []
    for pure in ("0", "1"):
        env = {**os.environ, "NEWSMAP_PURE_PYTHON": pure}
        run = subprocess.run([sys.executable, "-m", "geo", "parse", "--jsonl", str(path)], cwd=ROOT, env=env,
                             capture_output=True, timeout=300)
        outputs.append(run.stdout)
    assert outputs[0] == outputs[1]
    answers = [json.loads(line) for line in outputs[0].decode("utf-8").splitlines()]
    assert len(answers) == len(lines) and any(a.get("events") for a in answers)


def test_the_tree_loops_are_built_with_the_compiled_modules_and_used():
    """setup.py builds gazetteer/treewalk.pyx beside the compiled modules; both forests use it then."""
    from gazetteer import rank
    from geo.events import learned
    if PURE:
        assert compiled.treewalk() is None and rank.Model.load().stage1._walker is None
        return
    assert compiled.treewalk() is not None, "gazetteer/treewalk.pyx is not built: run `pip install -e .`"
    assert rank.Model.load().stage2._walker is not None and learned.Model.load().stage1._walker is not None


def _without_walker(forest, call, *args):
    walker, forest._walker = forest._walker, None
    try:
        return call(*args)
    finally:
        forest._walker = walker


def test_the_tree_loops_give_numpys_sums_bit_for_bit():
    """The C loops stand in for the numpy code only if every score is the same double: the shipped
    models on random rows (values on the thresholds too), one row and many, strided views."""
    import numpy as np
    from gazetteer import rank
    from geo.events import learned
    if compiled.treewalk() is None:
        assert PURE, "gazetteer/treewalk.pyx is not built"
        return
    rng = np.random.default_rng(7)
    resolver = rank.Model.load()
    for forest in (resolver.stage1, resolver.stage2):
        on_thresholds = np.unique(forest.threshold[np.isfinite(forest.threshold)]).astype(np.float32)
        for n in (1, 2, 7, 33, 200):
            XT = rng.normal(scale=3, size=(len(rank.FEATURES2), n)).astype(np.float32)
            XT[:, ::2] = rng.choice(on_thresholds, size=XT[:, ::2].shape)
            for matrix in (XT, np.asfortranarray(XT), XT[:, ::-1]):
                fast = forest.columns(matrix)
                slow = _without_walker(forest, forest.columns, matrix)
                assert fast.dtype == slow.dtype and fast.tobytes() == slow.tobytes(), n
    linker = learned.Model.load()
    for forest in (linker.stage1, linker.stage2):
        width = int(forest.feature.max()) + 1
        for n in (1, 3, 40):
            x = rng.normal(scale=2, size=(n, width))
            x[::2] = np.round(x[::2])
            for matrix in (x, np.asfortranarray(x)):
                fast = forest.raw(matrix)
                slow = _without_walker(forest, forest.raw, matrix)
                assert fast.tobytes() == slow.tobytes(), n
        # a change in one leaf is seen: the comparison is not vacuous
        assert not np.array_equal(forest.raw(x[:1]), forest.raw(x[:1] + 5.0))


def _built_scan():
    """gazetteer/scan.pyx's module, None where the modules run as Python (NEWSMAP_PURE_PYTHON=1)."""
    if compiled.scan() is None:
        assert PURE, "gazetteer/scan.pyx is not built"
    return compiled.scan()


def _seeds_and_random(pieces: list[str], seed: int, n: int, longest: int, lower: bool = False) -> list[str]:
    """The seed articles and n random strings of up to `longest` of these pieces."""
    import random
    texts = [p.read_text("utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    texts = [t.lower() for t in texts] if lower else texts
    rng = random.Random(seed)
    return texts + ["".join(rng.choice(pieces) for _ in range(rng.randint(0, longest))) for _ in range(n)]


def test_the_c_tokeniser_is_built_with_the_compiled_modules_and_used():
    from gazetteer import recognize
    if PURE:
        assert compiled.scan() is None and recognize._SCAN is None
        return
    assert compiled.scan() is not None, "gazetteer/scan.pyx is not built: run `pip install -e .`"
    assert recognize._SCAN is not None


def _both_tokenisers(text: str):
    from gazetteer import recognize
    from gazetteer.text import split_sentences
    sentences = list(split_sentences(text))
    fast = compiled.scan().tokenize(text, [s.end for s in sentences], recognize._READ_LOWER,
                                    recognize._ARTICLES_ONLY, recognize._CAPITALISED, recognize._capitalised_kept,
                                    recognize._Tok)
    return fast, recognize._tokenize_regex(text, sentences)


def test_the_c_tokeniser_gives_the_regexes_tokens():
    """The C loop stands in for the three regexes only if it gives the same tokens, of the same
    type: the seeds, the spellings the regexes take care over (apostrophes inside a name but a
    possessive's, Arabic articles before a hyphen and a capital, digits and "_", letters of other
    scripts), and random strings of those pieces."""
    from gazetteer import recognize
    if _built_scan() is None:
        return
    texts = _seeds_and_random(["al", "el", "of", "in", "said", "de", "Ma", "Korea", "'", "’", "ʼ", "s", "-", " ", "\n",
                               ".", ",", "É", "é", "1", "٣", "_", "x", "A", "中国", "ß", "ǅ", "Ⅻ", "²"], 1, 5000, 25)
    texts += ["Ma'rib's al-Mawasi and Korea's N'Djamena", "Al-Bab, el-Fasher; at-Tanf  Sa’sa ʼx", "", "x", "A",
              "9A B_C _D É1 Ü ٣ب", "in Paris-al-Zour, of al-", "Rue des Écoles\nof Paris", "Ab'", "Ab's", "Ab'sx",
              "de Gaulle said in-Tokyo", "Umm al-Qura said.", "北朝鮮は元山から弾道ミサイル2発を発射した。 Seoul"]
    read = 0
    for text in texts:
        (fast, fast_caps), (slow, slow_caps) = _both_tokenisers(text)
        assert fast == slow and fast_caps == slow_caps, text
        assert all(type(t) is recognize._Tok for t in fast)
        read += len(fast)
    assert read > 5000
    # the lower-case words are read: not vacuous
    tokens, _ = _both_tokenisers("Kim Jong Un said in Pyongyang that the Sea of Japan near al-Mawasi")[0]
    assert [t.text for t in tokens if not t.cap] == ["said", "in", "of", "near", "al"]


def test_the_c_key_word_search_finds_what_the_trigger_regex_finds():
    """scan.KeySet.hits stands in for TriggerLexicon.key_re: the same (offset, word) on the seeds and
    on random strings of key words, their pieces, hyphens and other characters."""
    import random
    from geo.events import triggers
    from geo.events.reports import lexicon
    if _built_scan() is None:
        return
    lex = lexicon()
    assert triggers._SCAN is not None
    pieces = random.Random(2).sample(sorted(lex._keys), 60) + [
        "air", "strike", "-", "air-", "counter", "attack", " ", "é", "_", "1", ",", "'s", "mid-air", "shelling", "ing",
        "s", "ö"]
    texts = _seeds_and_random(pieces, 2, 5000, 20, lower=True)
    found = 0
    key_set = compiled.scan().KeySet(lex._keys)
    for text in texts:
        fast = key_set.hits(text)
        assert fast == [(m.start(), m.group()) for m in lex.key_re.finditer(text)], text
        found += len(fast)
    assert found > 1000
    # the longest key where several end at word ends; a key after a hyphen
    assert lex.key_hits("a counter-attack and air-strikes near the mid-air collision") == (
        (10, "attack"), (21, "air-strikes"), (50, "collision"))


def test_the_c_linker_tokeniser_gives_the_regexes_tokens():
    """scan.link_tokens stands in for the linker's regex split: the same tokens, of the same type,
    on the seeds' sentences and on random strings of initials, possessives, quotes, hyphens,
    suffixes ("ISIS-held") and other spaces."""
    from gazetteer.text import split_sentences
    from geo.events import linking
    if _built_scan() is None:
        return
    assert linking._SCAN is not None
    sentences = [t[s.start:s.end] for p in sorted((ROOT / "seeds").glob("*.txt"))
                 for t in [p.read_text("utf-8")] for s in split_sentences(t)]
    sentences += _seeds_and_random(["U.", "S.", "A", ".", "'s", "’s", "'S", "‘", "`", "'", "’", "-", "al", "Bab", "x", "s",
                                    "S", " ", "\n", "é", "1", "_", ",", "ISIS-held", "-based", "Sa’sa", "\u00a0",
                                    "\u2009"], 3, 5000, 20)
    read = 0
    for k, sentence in enumerate(sentences):
        fast = linking._SCAN.link_tokens(sentence, k, linking._WORD_FORMS, linking._word_form, linking.Tok)
        assert fast == linking._tokens_regex(sentence, k), sentence
        assert all(type(t) is linking.Tok for t in fast)
        read += len(fast)
    assert read > 20000
    assert [t.text for t in linking.tokens("ISIS-held U.S. base in Sa’sa, Syria's north", 0, 43)] == [
        "ISIS", "-held", "U.S.", "base", "in", "Sa’sa", ",", "Syria", "'s", "north"]


def test_the_c_sentence_end_search_finds_what_the_regex_finds():
    """scan.sentence_ends stands in for gazetteer.text's _SENTENCE_END: the same matches on the
    seeds and on random strings of stops, quotes, brackets, line breaks, tabs, capitals, digits,
    letters with accents, CJK full stops and other spaces."""
    from gazetteer import text as sentences
    if _built_scan() is None:
        return
    assert sentences._SCAN is not None
    texts = _seeds_and_random([".", "!", "?", "…", "\n", " ", "\t", "A", "a", "1", "É", "ɏ", "Ȁ", '"', "'", "”", "’", ")",
                               "]", "“", "‘", "(", "[", "。", "！", "？", "Mr", "x", "\u00a0", "\u3000"], 4, 10000, 25)
    found = 0
    for text in texts:
        fast = compiled.scan().sentence_ends(text)
        assert fast == [m.span() for m in sentences._SENTENCE_END.finditer(text)], text
        found += len(fast)
    assert found > 5000
    text = "Mr. Kim left.  “He said so.” Then\n\nA new line"
    assert [text[s.start:s.end] for s in sentences.split_sentences(text)] == [
        "Mr. Kim left.", "“He said so.”", "Then", "A new line"]


def test_the_c_folding_of_non_ascii_runs_is_the_regexs():
    """scan.translate_runs stands in for normalize's regex over runs of non-ASCII characters: the
    same folded text on the seeds and random strings of ASCII, accents, quotes and other scripts."""
    from gazetteer import normalize
    if _built_scan() is None:
        return
    assert normalize._SCAN is not None
    texts = _seeds_and_random(["a", "B", " ", "é", "Ö", "’", "“", "ß", "İ", "中国", "\u0301", "ﬁ", "x", "-", "\n"], 9,
                              5000, 30)
    for text in texts:
        assert compiled.scan().translate_runs(text, normalize._FOLD) == normalize._NON_ASCII_RUN.sub(
            normalize._fold_run, text), text
    assert normalize.fold("Ménaka’s İzmir") == "menaka's izmir"
