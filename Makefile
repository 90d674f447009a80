# fintech-kg — the two commands a user needs: `make graph` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
KG     := $(BIN)/kg
CORPUS ?= corpus
OUT    ?= build
STAMP  := $(VENV)/.installed

.PHONY: graph test bench venv clean golden query

graph: $(STAMP)  ## set up if needed, then build graph, analysis and views from $(CORPUS) into $(OUT)
	$(KG) build $(CORPUS) --out $(OUT)
	$(KG) analyze $(OUT)
	$(KG) views $(OUT)
	$(KG) store $(OUT)

test: $(STAMP)  ## run the test suite
	$(BIN)/python -m pytest -q

bench: $(STAMP)  ## run the benchmarks (results in bench/out/ and printed)
	$(BIN)/python -m bench

golden: $(STAMP)  ## regenerate the golden graph of the test fixture article, for review
	$(BIN)/python -m tests.golden

query: $(STAMP)  ## run a saved query: make query Q=partners ORG=支付宝
	$(KG) query $(Q) $(if $(ORG),--param org=$(ORG)) $(PARAMS)

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

clean:
	rm -rf $(OUT) .cache
