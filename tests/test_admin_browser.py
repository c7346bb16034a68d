r"""The graph page in a real browser: Playwright drives Debian's Chromium against a live server.

Without playwright or ``/usr/bin/chromium`` these tests are skipped, unless ``CI`` is set:
there they fail, so that CI cannot pass without having run them.

The scenario is ``forked_labelled`` with shop applied up to ``0003_invoice``::

    shop:  0001_initial -> 0002_order -> 0003_invoice [billing] -> 0004_invoice_paid [billing]
                                    \-> 0003_order_note -------> 0004_order_status
"""

import os
import re

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from django_branchmig.admin import snapshot as snapshots
from tests.test_admin_graph import DESCRIPTION, NAME, markup_snapshot
from tests.utils import run_command

try:
    from playwright.sync_api import expect, sync_playwright
except ImportError:  # pragma: no cover - depends on the environment
    sync_playwright = None

# Playwright's sync API runs an event loop in this thread; the test's own ORM calls are
# synchronous code that Django would otherwise refuse to run there.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
PAGE = "/admin/django_branchmig/migrationgraph/"


@pytest.fixture(scope="module")
def browser():
    if sync_playwright is None or not os.path.exists(CHROMIUM):
        reason = "playwright and %s are needed for the browser tests" % CHROMIUM
        if os.environ.get("CI"):
            pytest.fail(reason + " (CI is set, so they may not be skipped)")
        pytest.skip(reason)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, django_user_model):
    snapshots.clear()
    django_user_model.objects.create_superuser("admin", password="pw")
    context = browser.new_context(viewport={"width": 1500, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("dialog", lambda dialog: errors.append("dialog: " + dialog.message))
    page.goto(live_server.url + "/admin/login/?next=" + PAGE)
    page.fill("#id_username", "admin")
    page.fill("#id_password", "pw")
    page.click("input[type=submit]")
    page.wait_for_selector("#djbm-svg[data-ready]")
    yield page
    context.close()
    snapshots.clear()
    assert errors == []


@pytest.fixture
def forked(scenario_db):
    scenario_db("forked_labelled")
    MigrationExecutor(connection).migrate([("shop", "0003_invoice")])


def node(page, id):
    return page.locator('[data-node="%s"]' % id)


@pytest.mark.django_db(transaction=True)
def test_graph_filters_and_runs(forked, page):
    page.reload()
    page.wait_for_selector("#djbm-svg[data-ready]")
    expect(node(page, "contenttypes.0001_initial")).to_be_visible()
    total = page.locator("#djbm-count").inner_text()
    assert re.fullmatch(r"\d+ migrations", total)

    # A collapsed run expands on click.
    runs = page.locator("[data-unit]")
    drawn = page.locator("[data-node]").count()
    runs.first.click()
    expect(page.locator("[data-node]")).not_to_have_count(drawn)
    assert page.locator("[data-node]").count() > drawn

    page.select_option("#djbm-filter-app", label="shop")
    expect(node(page, "contenttypes.0001_initial")).to_have_count(0)
    expect(node(page, "shop.0002_order")).to_be_visible()
    expect(page.locator("#djbm-count")).to_have_text(re.compile(r"^6 of \d+ migrations shown$"))
    expect(node(page, "shop.0002_order")).to_have_class(re.compile(r"\bdjbm-applied\b"))
    expect(node(page, "shop.0002_order")).to_have_class(re.compile(r"\bdjbm-branch-point\b"))

    page.select_option("#djbm-filter-state", "unapplied")
    expect(node(page, "shop.0002_order")).to_have_count(0)
    expect(node(page, "shop.0003_order_note")).to_be_visible()
    page.select_option("#djbm-filter-state", "")

    page.select_option("#djbm-filter-label", label="billing")
    expect(node(page, "shop.0003_order_note")).to_have_count(0)
    expect(node(page, "shop.0004_invoice_paid")).to_be_visible()
    page.select_option("#djbm-filter-label", "")

    page.fill("#djbm-search", "order_")
    expect(node(page, "shop.0003_invoice")).to_have_count(0)
    expect(node(page, "shop.0004_order_status")).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_details_and_sql(forked, page):
    page.select_option("#djbm-filter-app", label="shop")
    node(page, "shop.0003_invoice").click()
    details = page.locator("#djbm-details")
    expect(details.locator(".djbm-operations")).to_have_text("Create model Invoice")
    expect(details.locator(".djbm-facts")).to_contain_text("Parentsshop.0002_order")
    expect(details.locator(".djbm-facts")).to_contain_text("Childrenshop.0004_invoice_paid")
    expect(node(page, "shop.0003_invoice")).to_have_class(re.compile(r"\bdjbm-selected\b"))
    details.locator(".djbm-sql-button").click()
    expect(details.locator("pre.djbm-sql")).to_contain_text(
        "-- Unapply shop.0003_invoice [billing]"
    )

    details.get_by_role("button", name="shop.0002_order").click()
    expect(details.locator("h2")).to_have_text("shop.0002_order")


@pytest.mark.django_db(transaction=True)
def test_target_box_highlights_the_plan(forked, page):
    page.select_option("#djbm-filter-app", label="shop")
    page.fill("#djbm-target", "billing@head")
    page.click("#djbm-target-form button[type=submit]")
    expect(page.locator("#djbm-plan .djbm-plan-list")).to_have_text("shop.0004_invoice_paid")
    expect(node(page, "shop.0004_invoice_paid")).to_have_class(
        re.compile(r"\bdjbm-plan-forwards\b")
    )
    expect(node(page, "shop.0003_order_note")).not_to_have_class(re.compile(r"djbm-plan"))

    page.fill("#djbm-target", "shop.0002_order")
    page.click("#djbm-target-form button[type=submit]")
    expect(page.locator("#djbm-plan .djbm-plan-backwards").last).to_have_text("shop.0003_invoice")
    expect(node(page, "shop.0003_invoice")).to_have_class(re.compile(r"\bdjbm-plan-backwards\b"))
    expect(node(page, "shop.0004_invoice_paid")).not_to_have_class(
        re.compile(r"djbm-plan-forwards")
    )

    page.fill("#djbm-target", "shop@head")
    page.click("#djbm-target-form button[type=submit]")
    _, err, _ = run_command("branchmigrate", "shop@head", "--plan")
    expect(page.locator(".djbm-plan-error")).to_have_text(err[len("CommandError: ") : -1])
    expect(node(page, "shop.0003_invoice")).not_to_have_class(re.compile(r"djbm-plan"))


@pytest.mark.django_db(transaction=True)
def test_markup_is_shown_as_text(page, monkeypatch):
    monkeypatch.setattr("django_branchmig.admin.graph.get_snapshot", markup_snapshot)
    monkeypatch.setattr("django_branchmig.admin.views.get_snapshot", markup_snapshot)
    page.reload()
    page.wait_for_selector("#djbm-svg[data-ready]")
    assert page.locator("img, #djbm script:not([type])").count() == 0
    page.select_option("#djbm-filter-app", label="sh<op&")
    target = node(page, "sh<op&." + NAME)
    expect(target.locator("title")).to_contain_text(NAME)
    target.click()
    details = page.locator("#djbm-details")
    expect(details.locator("h2")).to_have_text("sh<op&." + NAME)
    expect(details.locator(".djbm-operations")).to_have_text(DESCRIPTION)
    assert details.locator("b, img, script").count() == 0
