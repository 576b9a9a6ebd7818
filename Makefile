# Two commands a newcomer needs: `make run` and `make test`. Everything else is a detail.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
export AWS_DEFAULT_REGION ?= us-east-1

.PHONY: install run test lint typecheck client unit package bench fuzz races clean

$(STAMP): requirements.txt requirements-dev.txt
	@echo "==> creating $(VENV) and installing dependencies (first run only)"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check 'pip>=23,<26.3'  # chalice pins pip<26.3
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

install: $(STAMP)

run: install
	@$(BIN)/python -m devstack

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy chalicelib

# The typed TypeScript client: the document dumped from the app (no server), types by
# openapi-typescript, then tsc --strict over the wrapper and examples/ against them.
CLIENT := clients/typescript
$(CLIENT)/node_modules/.package-lock.json: $(CLIENT)/package.json $(CLIENT)/package-lock.json
	cd $(CLIENT) && npm ci --no-audit --no-fund --loglevel=error

client: install $(CLIENT)/node_modules/.package-lock.json
	$(BIN)/python scripts/dump_openapi.py $(CLIENT)/openapi.json
	cd $(CLIENT) && npm run --silent generate && npm run --silent typecheck

test: lint typecheck client
	HYPOTHESIS_PROFILE=ci RACE_RUNS=25 $(BIN)/python -m pytest -n 2 --dist loadgroup

# The race tests with 100 runs in a row each (make test runs 25 to fit its time budget).
races: install
	RACE_RUNS=100 $(BIN)/python -m pytest -p no:xdist -q tests/functional/test_races.py

# The suite's schemathesis run, with many more examples per operation and role (minutes).
FUZZ_EXAMPLES ?= 40
fuzz: install
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest -p no:xdist -q tests/e2e/test_fuzz.py

package: install
	$(BIN)/python -m infra.package build/package
	$(BIN)/cfn-lint build/package/sam.json

# Every benchmark runs and prints its figures; the target fails at the end if any missed.
bench: install
	@status=0; \
	$(BIN)/python bench/cold_start.py || status=1; \
	$(BIN)/python bench/first_request_breakdown.py || status=1; \
	$(BIN)/python bench/package_size.py || status=1; \
	$(BIN)/python bench/ddb_calls.py || status=1; \
	$(BIN)/python bench/search_cost.py || status=1; \
	exit $$status

clean:
	rm -rf $(VENV) build .pytest_cache .mypy_cache .ruff_cache $(CLIENT)/node_modules
