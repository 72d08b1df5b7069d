# fusioncompute.core: the two commands a newcomer needs are `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= $(CURDIR)/.venv
STAMP := $(VENV)/.installed

.PHONY: help venv test demo demo-stop sanity units integration examples simulator-test lint nova-test nova-debian-test roles-test eda-test clean

help:
	@echo "make demo       start vrmsim, run playbooks/demo.yml, show what it did"
	@echo "make demo-stop  stop the vrmsim that make demo left running"
	@echo "make test       vrmsim tests, ansible-test sanity/units/integration, ansible-lint, docs lint"
	@echo "make sanity | units | integration | examples | simulator-test | lint | nova-test | nova-debian-test"
	@echo "     | roles-test | eda-test"
	@echo "                one stage of make test"

# One virtualenv with every pinned tool (requirements-test.txt), rebuilt when the pins change.
$(STAMP): requirements-test.txt hacking/deps.sh
	@bash hacking/deps.sh
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -r requirements-test.txt
	@touch $(STAMP)

venv: $(STAMP)

test: $(STAMP)
	@VENV=$(VENV) bash hacking/test.sh

sanity: $(STAMP)
	@VENV=$(VENV) STAGES=sanity bash hacking/test.sh

units: $(STAMP)
	@VENV=$(VENV) STAGES=units bash hacking/test.sh

integration: $(STAMP)
	@VENV=$(VENV) STAGES=integration bash hacking/test.sh

examples: $(STAMP)
	@VENV=$(VENV) STAGES=examples bash hacking/test.sh

simulator-test: $(STAMP)
	@VENV=$(VENV) STAGES=simulator bash hacking/test.sh

lint: $(STAMP)
	@VENV=$(VENV) STAGES=lint bash hacking/test.sh

nova-test: $(STAMP)
	@VENV=$(VENV) STAGES=nova bash hacking/test.sh

nova-debian-test: $(STAMP)
	@VENV=$(VENV) STAGES=nova-debian bash hacking/test.sh

roles-test: $(STAMP)
	@VENV=$(VENV) STAGES=roles bash hacking/test.sh

eda-test: $(STAMP)
	@VENV=$(VENV) STAGES=eda bash hacking/test.sh

demo: $(STAMP)
	@VENV=$(VENV) bash hacking/demo.sh

demo-stop:
	@VENV=$(VENV) bash hacking/demo.sh stop

clean:
	rm -rf $(VENV) .demo tests/output
