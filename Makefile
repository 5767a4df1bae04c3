# The two commands of the README: `make demo` and `make test`. Each sets up
# everything it needs first (Debian packages, then a venv at .venv).
VENV    := .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed
DEBS    := tesseract-ocr tesseract-ocr-tha poppler-utils fonts-thai-tlwg chromium
SUDO    := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export PYTHAINLP_OFFLINE := 1

.PHONY: demo test system setup clean

demo: setup
	$(VENV)/bin/saraban extract corpus/samples/* --summary
	$(VENV)/bin/saraban ingest corpus/samples --db saraban.db
	@echo "Stored in saraban.db. Browse and search it: .venv/bin/saraban serve --db saraban.db"

test: setup
	$(PY) -m pytest

setup: system $(STAMP)

system:
	@missing=""; for p in $(DEBS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q $$missing; \
	fi

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e ".[dev]"
	touch $(STAMP)

clean:
	rm -rf $(VENV) build *.egg-info
