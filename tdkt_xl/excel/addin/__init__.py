"""The "TĐKT" Excel add-in: build ``tdkt_xl.xlam`` from text source, without Excel, and install it.

The source is the package data folder ``tdkt_xl/excel/addin/macros/`` (read with
:mod:`importlib.resources`): ``*.bas`` VBA modules (ASCII) and ``customUI.xml``, the ribbon
(UTF-8, Vietnamese labels).
:func:`~tdkt_xl.excel.addin.package.build_addin` turns them into an add-in package:

* ``xl/vbaProject.bin`` is written here from scratch, following [MS-OVBA] and [MS-CFB]:
  a compound file holding the ``PROJECT``, ``PROJECTwm`` and ``VBA/dir`` streams, one
  compressed source stream per module and a 7-byte ``VBA/_VBA_PROJECT`` stream whose
  version is 0xFFFF. Modules carry source only (MODULEOFFSET 0, no p-code) and there is no
  performance cache, so Excel compiles the project from the source when it opens it.
  xlwings ships its own add-ins in that shape: ``xlwings/addin/xlwings.xlam`` and the
  quickstart templates carry the same 7-byte ``_VBA_PROJECT`` and source-only modules.
* The ribbon goes to ``customUI/customUI14.xml``, related from ``_rels/.rels``; the workbook
  has the add-in content type and the ``ThisWorkbook``/``Sheet1`` document modules its
  code names point at. Output is byte-for-byte deterministic and written atomically.

RunPython itself is ``macros/xlwings.bas``, xlwings' open-source (BSD) standalone module for
custom add-ins, vendored with ``PROJECT_NAME = "tdkt_xl"``: it reads its settings from a
``tdkt_xl.conf`` sheet (the add-in's own: ``ADD_WORKBOOK_TO_PYTHONPATH`` off, and what
:func:`~tdkt_xl.excel.addin.install.install_addin` adds) or from
``%USERPROFILE%\\.tdkt_xl\\tdkt_xl.conf``, which install also writes.

The modules, low to high: :mod:`~tdkt_xl.excel.addin.errors` (:class:`AddinError`),
:mod:`~tdkt_xl.excel.addin.compound_file` (the [MS-CFB] writer),
:mod:`~tdkt_xl.excel.addin.vba_project` (modules, compression, the project streams),
:mod:`~tdkt_xl.excel.addin.source` (reading and checking ``macros/``),
:mod:`~tdkt_xl.excel.addin.package` (the ``.xlam`` parts and :func:`build_addin`),
:mod:`~tdkt_xl.excel.addin.install` (config file, registry, :func:`install_addin`,
:func:`uninstall_addin`), :mod:`~tdkt_xl.excel.addin.guide` (the staff guide as HTML and PDF),
:mod:`~tdkt_xl.excel.addin.bundle` (the Windows offline bundle).

>>> import zipfile, tempfile
>>> from pathlib import Path
>>> from tdkt_xl.excel.addin.package import build_addin
>>> with tempfile.TemporaryDirectory() as tmp:
...     path = build_addin(Path(tmp) / "tdkt_xl.xlam")
...     "customUI/customUI14.xml" in zipfile.ZipFile(path).namelist()
True
"""
