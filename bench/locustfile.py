"""Exam start spike: officers sign in, then all open the same quiz at once, answer it and submit.

Run through ``bench/loadtest.sh`` (which starts the servers, seeds the officers and checks the
database afterwards), or by hand, headless, bounded and on loopback only::

    EXAM_QUIZ_URL=/en/bench-course-000/module-4/final-quiz/ \\
    LOAD_HOSTS=http://127.0.0.1:8001,http://127.0.0.1:8002 \\
    .venv/bin/locust -f bench/locustfile.py --headless -u 300 -r 10 --run-time 5m --host http://127.0.0.1:8001

Each simulated officer (``officerNNNNN@bench.invalid``, numbered in spawn order) is pinned to one of
``LOAD_HOSTS`` in turn (round robin: the app processes behind a load balancer). It signs in, waits
until every officer has signed in (the exam starts: within ``LOAD_START_SPREAD`` seconds, 30 by
default, everyone opens the quiz; sign-in figures are written apart and the statistics reset, so
the printed ones are the exam's), opens the quiz, starts
an attempt, saves each answer through the autosave route with a little thinking time, submits
(one in ten submits twice, like a double click) and reads the review. The attempts each officer
submitted are written to ``LOAD_SUBMITTED`` (JSON) for the database check.

Requests carry ``X-Forwarded-Proto: https`` as the TLS proxy would, so the production settings
(secure cookies, SSL redirect, CSRF origin checks) run unchanged.
"""

import itertools
import json
import os
import random
import re
from urllib.parse import urlparse

import gevent
from gevent.event import Event
from locust import HttpUser, between, events, task
from locust.exception import StopUser
from requests.cookies import RequestsCookieJar

HOSTS = [h for h in os.environ.get("LOAD_HOSTS", "").split(",") if h]
QUIZ_URL = os.environ.get("EXAM_QUIZ_URL", "/en/bench-course-000/module-4/final-quiz/")
PASSWORD = os.environ.get("BENCH_PASSWORD", "bench-pass-phrase-2026")
FIRST_OFFICER = int(os.environ.get("LOAD_FIRST_OFFICER", "0"))
SUBMITTED_FILE = os.environ.get("LOAD_SUBMITTED", "/tmp/custodia-load-submitted.json")  # noqa: S108
EXAM_START_TIMEOUT = float(os.environ.get("LOAD_EXAM_START_TIMEOUT", "600"))
THINK = (float(os.environ.get("LOAD_THINK_MIN", "5")), float(os.environ.get("LOAD_THINK_MAX", "15")))
START_SPREAD = float(os.environ.get("LOAD_START_SPREAD", "30"))  # seconds over which officers open the quiz
SIGN_IN_STATS = os.environ.get("LOAD_SIGN_IN_STATS", "/tmp/custodia-load-sign-in.json")  # noqa: S108

_numbers = itertools.count(FIRST_OFFICER)
exam_starts = Event()
submitted = {}  # e-mail -> [attempt uuid, ...] (each 200 answer to a submission)

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ATTEMPT = re.compile(r"/attempt/([0-9a-f-]{36})/")
OPTION = re.compile(r'<input type="(radio|checkbox)" name="q(\d+)" value="(\d+)"')


class LoopbackJar(RequestsCookieJar):
    """Send the production settings' Secure cookies back over the loopback HTTP (TLS ends at the proxy)."""

    def set_cookie(self, cookie, *args, **kwargs):
        cookie.secure = False
        return super().set_cookie(cookie, *args, **kwargs)


finished = {"count": 0, "signed_in": 0, "target": None, "environment": None}


@events.init.add_listener
def _remember(environment, **kwargs):
    finished["environment"] = environment


def _signed_in():
    """When every officer has signed in, the exam starts: sign-in figures are kept apart, the exam timed alone."""
    finished["signed_in"] += 1
    if finished["signed_in"] < finished["environment"].parsed_options.num_users:
        return
    finished["target"] = finished["environment"].parsed_options.num_users
    stats = finished["environment"].runner.stats
    phase = {}
    for name in ("login page", "login"):
        entry = stats.get(name, "GET" if name == "login page" else "POST")
        phase[name] = {
            "requests": entry.num_requests,
            "failures": entry.num_failures,
            "median_ms": entry.get_response_time_percentile(0.5),
            "p95_ms": entry.get_response_time_percentile(0.95),
            "p99_ms": entry.get_response_time_percentile(0.99),
        }
    with open(SIGN_IN_STATS, "w", encoding="utf-8") as out:
        json.dump(phase, out)
    stats.reset_all()
    exam_starts.set()


def _one_more_done():
    """When every officer has finished the exam, the test ends (without waiting for --run-time)."""
    finished["count"] += 1
    if finished["target"] and finished["count"] >= finished["target"]:
        gevent.spawn_later(1, finished["environment"].runner.quit)


@events.test_stop.add_listener
def _write_submitted(**kwargs):
    with open(SUBMITTED_FILE, "w", encoding="utf-8") as out:
        json.dump(submitted, out)


class Officer(HttpUser):
    wait_time = between(*THINK)
    host = HOSTS[0] if HOSTS else None

    def on_start(self):
        number = next(_numbers)
        if HOSTS:
            self.client.base_url = HOSTS[number % len(HOSTS)]
        origin = f"https://{urlparse(self.client.base_url).netloc}"
        self.client.headers.update({"X-Forwarded-Proto": "https", "Origin": origin, "Referer": origin + "/"})
        self.client.cookies = LoopbackJar()
        self.email = f"officer{number:05d}@bench.invalid"
        self.rng = random.Random(number)  # noqa: S311 - think time and answers, not secrets
        page = self.client.get("/en/accounts/login/", name="login page")
        token = CSRF.search(page.text).group(1)
        with self.client.post(
            "/en/accounts/login/",
            {"username": self.email, "password": PASSWORD, "csrfmiddlewaretoken": token, "next": "/en/learning/"},
            name="login",
            catch_response=True,
        ) as response:
            if "/en/learning/" not in response.url:
                response.failure(f"sign-in failed for {self.email}")
                _signed_in()
                _one_more_done()
                raise StopUser()
        _signed_in()
        exam_starts.wait(EXAM_START_TIMEOUT)  # the exam starts for everyone at the same moment...
        gevent.sleep(self.rng.uniform(0, START_SPREAD))  # ...and they open it within half a minute

    def think(self):
        gevent.sleep(self.rng.uniform(*THINK))

    @task
    def take_the_exam(self):
        home = self.client.get(QUIZ_URL, name="quiz home")
        token = CSRF.search(home.text).group(1)
        with self.client.post(
            QUIZ_URL + "start/", {"csrfmiddlewaretoken": token}, name="start attempt", catch_response=True
        ) as started:
            match = ATTEMPT.search(started.url)
            if started.status_code != 200 or not match:
                started.failure(f"no attempt page after start ({started.status_code} {started.url})")
                _one_more_done()
                raise StopUser()
        attempt = match.group(1)
        token = CSRF.search(started.text).group(1)
        options = {}
        for kind, position, value in OPTION.findall(started.text):
            options.setdefault(position, (kind, []))[1].append(value)
        answers = {}
        base = f"{QUIZ_URL}attempt/{attempt}/"
        for sequence, (position, (kind, values)) in enumerate(sorted(options.items()), start=1):
            self.think()
            answers[f"q{position}"] = [self.rng.choice(values)] if kind == "checkbox" else self.rng.choice(values)
            self.client.post(
                base + "save/",
                {
                    "csrfmiddlewaretoken": token,
                    "sequence": sequence,
                    "positions": [position],
                    f"q{position}": answers[f"q{position}"],
                },
                name="answer save",
            )
        self.think()
        final = {"csrfmiddlewaretoken": token, "sequence": len(options) + 1, "positions": list(options), **answers}
        for _click in range(2 if self.rng.random() < 0.1 else 1):  # one in ten double-clicks
            with self.client.post(base + "submit/", final, name="submit", catch_response=True) as response:
                if response.status_code == 200 and response.json().get("finished"):
                    submitted.setdefault(self.email, []).append(attempt)
                else:
                    response.failure(f"submission refused: {response.status_code}")
        self.client.get(base + "review/", name="review")
        _one_more_done()
        raise StopUser()
