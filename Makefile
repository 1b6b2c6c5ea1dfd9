# Property-management suite on Tryton 8.0.
#   make run    install what is missing, create/update the demo database,
#               start the server with the web client on http://127.0.0.1:8000
#   make test   tests of every addon on SQLite and PostgreSQL + browser test

.PHONY: run test setup clean

run:
	@bash scripts/run.sh

test:
	@bash scripts/test.sh

# only install/update the dependencies (venv, addons, sao, Debian packages)
setup:
	@bash scripts/setup.sh --test

# remove the demo database, sao and the stamps (keeps .venv)
clean:
	rm -rf var tests/artifacts
