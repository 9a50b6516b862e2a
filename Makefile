# ecolca: every target installs what it needs from this repository's own files.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.ecolca-installed
EXAMPLE ?= gypsum-ash

.PHONY: help install demo run screenshot laptop-screenshots tutorial-shots test bench report-pdf clean

help:
	@echo "make demo    - install, set up the Brightway project, run the '$(EXAMPLE)' example, write reports/$(EXAMPLE).xlsx"
	@echo "make run     - install, set up the Brightway project and open the desktop app with the '$(EXAMPLE)' example"
	@echo "make test    - install, check the layer contracts (lint-imports) and run the test suite (temporary Brightway folder, Qt offscreen)"
	@echo "make screenshot - render the main window with the example and its results to docs/screenshot.png"
	@echo "make laptop-screenshots - the window maximised at 1366x768 and 1280x800 (docs/laptop-*.png)"
	@echo "make tutorial-shots - drive the app through docs/tutorial.md and save its screenshots to docs/tutorial/"
	@echo "make bench   - time setup, foreground, comparison and report (benchmarks/)"
	@echo "make report-pdf - convert reports/$(EXAMPLE).xlsx to PDF with LibreOffice (if installed)"

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip==26.3"
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/ecolca setup
	$(BIN)/ecolca example $(EXAMPLE) -o reports/$(EXAMPLE).ecolca.json --force
	$(BIN)/ecolca run reports/$(EXAMPLE).ecolca.json --report reports/$(EXAMPLE).xlsx

run: $(STAMP)
	$(BIN)/ecolca setup
	$(BIN)/ecolca open $(EXAMPLE)

screenshot: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m ecolca.app.screenshot docs/screenshot.png --example $(EXAMPLE) --select power --size 1280x800

laptop-screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m ecolca.app.screenshot docs/laptop-1366x768.png --example kalundborg --screen 1366x768 --tab Summary
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m ecolca.app.screenshot docs/laptop-1280x800.png --example kalundborg --screen 1280x800 --tab Exchanges --select asnaes

tutorial-shots: $(STAMP)
	$(BIN)/ecolca setup
	QT_QPA_PLATFORM=offscreen $(BIN)/python docs/tutorial/make_screenshots.py docs/tutorial

test: $(STAMP)
	$(BIN)/lint-imports
	# two worker processes (pytest-xdist), each with its own temporary Brightway folder: 6-7 min
	# on 2 cores where one process took 12
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -n 2

bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py

report-pdf: reports/$(EXAMPLE).xlsx
	libreoffice --headless --convert-to pdf --outdir reports reports/$(EXAMPLE).xlsx

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache
