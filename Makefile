.PHONY: setup demo test test-postgres lint format bench messages

setup:
	bash scripts/setup.sh

demo:
	bash scripts/demo.sh

test:
	bash scripts/test.sh

test-postgres:
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/custodia bash scripts/test.sh

lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

format:
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

messages:
	.venv/bin/python manage.py makemessages --no-obsolete --no-location --ignore=.venv --ignore=node_modules --ignore=tests $(foreach l,fr es ru ar zh_Hans,-l $(l))
	.venv/bin/python manage.py compilemessages --ignore=.venv --ignore=node_modules

bench:
	.venv/bin/python bench/run.py
