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
