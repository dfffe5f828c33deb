"""Rewrite docs/api.rst from the ``__all__`` lists of the public modules.

Run it after adding or removing a public name (``python docs/update_api_rst.py``);
tests/test_docs.py fails while api.rst and the ``__all__`` lists disagree.
"""

import importlib
from pathlib import Path

#: module -> section title, in the order of the page
MODULES = {
    "aeon_kd": "Top level",
    "aeon_kd.classification": "Classification",
    "aeon_kd.forecasting": "Forecasting",
    "aeon_kd.methods": "Methods",
    "aeon_kd.students": "Students",
    "aeon_kd.teachers": "Teachers",
    "aeon_kd.datasets": "Data sets",
    "aeon_kd.training": "Training",
    "aeon_kd.transfer": "Transfer set",
    "aeon_kd.deploy": "Deployment",
    "aeon_kd.benchmarking": "Benchmarking",
    "aeon_kd.testing": "Testing",
}

HEADER = """API reference
=============

Every public name of the package, module by module: what each module lists in its
``__all__``. A name that several modules export is documented once, where it first
appears below, and listed as a re-export elsewhere.

.. tests/test_docs.py checks this file against the ``__all__`` lists;
   docs/update_api_rst.py rewrites it.
"""

FOOTER = """Command line: ``aeon_kd.cli``
-----------------------------

.. currentmodule:: aeon_kd.cli

.. autosummary::
   :toctree: generated/

   main

sktime adapter: ``aeon_kd.sktime``
----------------------------------

Needs the ``sktime`` extra (``pip install "aeon-kd[sktime]"``).

.. currentmodule:: aeon_kd.sktime

.. autosummary::
   :toctree: generated/

   SktimeDistilledClassifier
"""


def render():
    """Return the text of api.rst."""
    out = [HEADER]
    seen = {}
    for module, title in MODULES.items():
        mod = importlib.import_module(module)
        heading = f"{title}: ``{module}``"
        out += [heading, "-" * len(heading), "", f".. automodule:: {module}",
                "   :no-members:", "   :no-index:", "", f".. currentmodule:: {module}", "",
                ".. autosummary::", "   :toctree: generated/", ""]
        again = []
        for name in mod.__all__:
            if name == "__version__":
                continue
            obj = getattr(mod, name)
            if callable(obj) and id(obj) in seen:  # a re-export: document it once
                again.append((name, seen[id(obj)]))
                continue
            if callable(obj):
                seen[id(obj)] = f"{module}.{name}"
            out.append(f"   {name}")
        out.append("")
        if again:
            out += ["Also exported here:", ""]
            out += [f"- ``{module}.{name}``: :obj:`{target}`" for name, target in again]
            out.append("")
    out.append(FOOTER)
    return "\n".join(out)


if __name__ == "__main__":
    (Path(__file__).resolve().parent / "api.rst").write_text(render())
