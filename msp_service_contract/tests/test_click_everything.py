# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Click everything: every menu and window action of the three MSP addons opens for every
role that can reach it, on the server (views, domains, contexts, default filters, reads,
defaults) and in a real browser (Odoo's own clickbot, over our three apps)."""

import json
import shutil
import traceback
from datetime import date, datetime, time

from dateutil.relativedelta import relativedelta
from lxml import etree

from odoo import fields
from odoo.addons.web.controllers.utils import clean_action
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .common import MspContractCase

MSP_MODULES = ("msp_sla", "msp_it_audit", "msp_service_contract")
ACTION_MODELS = ("ir.actions.act_window", "ir.actions.client", "ir.actions.server")
# The browsers Odoo's test browser looks for (odoo.tests.common.ChromeBrowser).
CHROME_NAMES = ("google-chrome", "google-chrome-stable", "chromium", "chromium-browser")
# Odoo's clickbot tests one app per call and logs its success signal at the end of each: the
# next app starts on that signal, and only the last app's signal reaches the test.
CLICKBOT_CHAIN = """
const signal = "clickbot test succeeded";
const log = console.log.bind(console);
let index = 0;
console.log = (...args) => {
    if (args[0] === signal && index < apps.length - 1) {
        log(`clickbot: ${apps[index]} done`);
        index++;
        window.clickEverywhere(apps[index]);
        return;
    }
    log(...args);
};
odoo.loader.modules.get("@web/webclient/clickbot/clickbot_loader").startClickEverywhere(apps[0]);
"""


class ClickEverythingMixin:
    """What the web client does when a menu is clicked, done on the server: load the action,
    evaluate its domain and context, load its views, apply its default filters, read the
    records of each view and the defaults of a new record. No test here."""

    @classmethod
    def msp_xmlids(cls, model):
        """{record id: "module.name"} of the records of ``model`` our addons define."""
        data = cls.env["ir.model.data"].search(
            [("model", "=", model), ("module", "in", MSP_MODULES)], order="module, name"
        )
        return {d.res_id: f"{d.module}.{d.name}" for d in data}

    @classmethod
    def msp_roles(cls):
        """A user for each group our addons define in security/*_groups.xml, and the
        administrator: {role name: res.users}."""
        roles = {"administrator": cls.env.ref("base.user_admin")}
        for xmlid in cls.msp_xmlids("res.groups").values():
            login = "click_" + xmlid.split(".")[1]
            roles[xmlid] = new_test_user(
                cls.env, login=login, name=login, groups=f"base.group_user,{xmlid}"
            )
        return roles

    def eval_context(self, env, extra=None):
        """What the web client evaluates domains and contexts with."""
        return {
            "uid": env.uid,
            "user": env.user,
            "context": dict(env.context),
            "context_today": lambda: fields.Date.context_today(env.user),
            "today": fields.Date.context_today(env.user).isoformat(),
            "now": fields.Datetime.now(),
            "current_date": fields.Date.context_today(env.user).isoformat(),
            "datetime": datetime,
            "date": date,
            "time": time,
            "relativedelta": relativedelta,
            "active_id": False,
            "active_ids": [],
            "active_model": False,
            "allowed_company_ids": env.user.company_ids.ids,
            "current_company_id": env.company.id,
            **(extra or {}),
        }

    def evaluate(self, value, env, extra=None):
        if isinstance(value, str):
            return safe_eval(value, self.eval_context(env, extra))
        return value or False

    def load_action(self, env, action):
        """The action as /web/action/load gives it to the client, or, for a server action,
        what running it returns (as /web/action/run)."""
        if action._name == "ir.actions.server":
            result = env["ir.actions.server"].browse(action.id).run()
            return clean_action(result, env=env) if result else False
        if action._name == "ir.actions.act_window":
            result = env[action._name].sudo().browse(action.id)._get_action_dict()
        else:
            result = env[action._name].sudo().browse(action.id).read()[0]
        return clean_action(result, env=env)

    def default_filters(self, env, model, search_arch, context):
        """Domain and group-by of the search_default_* keys of ``context``, read from the
        search view as the web client reads them."""
        domain, group_by = [], []
        root = etree.fromstring(search_arch)
        for key, value in context.items():
            if not key.startswith("search_default_") or not value:
                continue
            name = key[len("search_default_") :]
            node = root.xpath(f"//filter[@name='{name}']")
            if node:
                node = node[0]
                if node.get("domain"):
                    domain += self.evaluate(node.get("domain"), env, {"context": context})
                if node.get("date"):
                    domain.append((node.get("date"), "!=", False))
                filter_context = self.evaluate(node.get("context") or "{}", env)
                if filter_context.get("group_by"):
                    group_by += [filter_context["group_by"]]
                continue
            node = root.xpath(f"//field[@name='{name}']")
            self.assertTrue(node, f"search_default_{name}: no such filter or field")
            if node[0].get("filter_domain"):
                domain += self.evaluate(node[0].get("filter_domain"), env, {"self": value})
            else:
                domain.append((name, "=", value))
        return domain, [g if isinstance(g, str) else g[0] for g in group_by]

    def specification(self, model, arch):
        """The fields a view shows (not those of its sub-views), as web_search_read wants."""
        spec = {}
        for node in etree.fromstring(arch).iter("field"):
            if any(parent.tag == "field" for parent in node.iterancestors()):
                continue
            name = node.get("name")
            field = model._fields.get(name)
            if not field:
                continue
            spec[name] = {"fields": {"display_name": {}}} if field.relational else {}
        return spec

    def grouping(self, model, arch):
        """groupby and aggregates of a pivot or graph view."""
        groupby, aggregates = [], ["__count"]
        for node in etree.fromstring(arch).iter("field"):
            name = node.get("name")
            field = model._fields.get(name)
            if not field:
                continue
            if node.get("type") == "measure":
                # the web client refuses a measure the server gives no aggregator for
                aggregator = model.fields_get([name], ["aggregator"])[name].get("aggregator")
                self.assertTrue(aggregator, f"{model._name}.{name} cannot be a measure")
                aggregates.append(f"{name}:{aggregator}")
            elif node.get("type") in ("row", "col") or not node.get("type"):
                interval = node.get("interval")
                groupby.append(f"{name}:{interval}" if interval else name)
        return groupby, aggregates

    def open_window(self, env, act):
        """Everything the client asks of the server for one window action."""
        model = env[act["res_model"]]
        context = self.evaluate(act.get("context") or "{}", env)
        model = model.with_context(**context)
        domain = self.evaluate(act.get("domain") or "[]", env, {"context": context}) or []
        views = [list(view) for view in act["views"]]
        search_view = act.get("search_view_id")
        views.append([search_view[0] if search_view else False, "search"])
        loaded = model.get_views(views, {"load_filters": True, "toolbar": True})
        modes = [mode for _id, mode in act["views"]]
        filter_domain, group_by = self.default_filters(
            env, model, loaded["views"]["search"]["arch"], context
        )
        domain = list(domain) + filter_domain
        model.default_get(list(model.fields_get(attributes=["type"])))
        if act.get("target") == "new":
            return
        record_ids = []
        for mode in modes:
            arch = loaded["views"][mode]["arch"]
            if mode in ("list", "kanban", "calendar", "map", "hierarchy"):
                if group_by:
                    model.formatted_read_group(domain, group_by, ["__count"])
                spec = self.specification(model, arch)
                result = model.web_search_read(domain, spec, limit=80)
                record_ids = record_ids or [r["id"] for r in result["records"]]
            elif mode in ("pivot", "graph"):
                groupby, aggregates = self.grouping(model, arch)
                model.formatted_read_group(domain, groupby + group_by, aggregates)
            elif mode == "form" and record_ids:
                model.browse(record_ids[:1]).web_read(self.specification(model, arch))

    def click(self, user, action, xmlid):
        """Open ``action`` as ``user``; the error (with its traceback) or None."""
        env = self.env(user=user, context={"lang": "en_US", "tz": "Europe/Brussels"})
        # each click is a new request: nothing read by another user is in the cache
        self.env.invalidate_all()
        try:
            with self.env.cr.savepoint():
                act = self.load_action(env, action)
                if act and act.get("type") == "ir.actions.act_window":
                    self.open_window(env, act)
        except Exception as error:  # every error is collected, then reported together
            frames = traceback.format_exc().splitlines()[-12:]
            return f"{xmlid} as {user.login}: {error!r}\n" + "\n".join(frames)
        return None


@tagged("post_install", "-at_install")
class TestClickEverything(ClickEverythingMixin, MspContractCase):
    """Every menu of our addons that a role sees opens without a server error, with each
    of its views and default filters; every action our addons define opens for each role
    that may read its model."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contract = cls.make_contract()
        cls.ticket = cls.make_ticket()
        cls.roles = cls.msp_roles()
        cls.menus = cls.env["ir.ui.menu"].browse(cls.msp_xmlids("ir.ui.menu"))
        cls.menu_xmlids = cls.msp_xmlids("ir.ui.menu")

    def reachable_menus(self, user):
        """Our menus the web client shows ``user``: visible, and so are all their parents."""
        visible = self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()

        def reachable(menu):
            while menu:
                if menu.id not in visible:
                    return False
                menu = menu.parent_id
            return True

        return self.menus.filtered(reachable)

    def test_roles_cover_every_group_of_our_addons(self):
        self.assertIn("msp_sla.msp_sla_group_user", self.roles)
        self.assertIn("msp_it_audit.msp_it_audit_group_user", self.roles)
        self.assertIn("msp_service_contract.msp_service_contract_group_manager", self.roles)
        self.assertGreaterEqual(len(self.menus.filtered("action")), 15)

    def test_every_visible_menu_opens_for_every_role(self):
        errors, opened = [], 0
        for role, user in self.roles.items():
            for menu in self.reachable_menus(user).filtered("action"):
                action = menu.action
                self.assertIn(action._name, (*ACTION_MODELS, "ir.actions.report"))
                error = self.click(user, action, f"menu {self.menu_xmlids[menu.id]} ({role})")
                opened += 1
                if error:
                    errors.append(error)
        self.assertFalse(errors, "\n\n".join(errors))
        self.assertGreater(opened, 40)

    def test_every_action_of_our_addons_opens_for_the_roles_that_may_read_its_model(self):
        errors = []
        actions = []
        for model in ACTION_MODELS:
            for res_id, xmlid in self.msp_xmlids(model).items():
                action = self.env[model].browse(res_id)
                if model == "ir.actions.server" and action.usage == "ir_cron":
                    continue  # a scheduled action's code, not an action a user opens
                actions.append((action, xmlid))
        # and the actions of other addons that our menus open
        ours = {action for action, _xmlid in actions}
        for menu in self.menus.filtered("action"):
            if menu.action not in ours and menu.action._name in ACTION_MODELS:
                actions.append((menu.action, menu.action.get_external_id()[menu.action.id]))
        self.assertGreaterEqual(len(actions), 20)
        for action, xmlid in actions:
            model_name = action.res_model if action._name == "ir.actions.act_window" else None
            if action._name == "ir.actions.server":
                model_name = action.model_id.model
            for role, user in self.roles.items():
                if (
                    action._name == "ir.actions.server"
                    and action.group_ids
                    and not action.group_ids & user.all_group_ids
                ):
                    continue  # a server action of a group the role does not have
                if model_name and not self.env[model_name].with_user(user).has_access("read"):
                    continue
                error = self.click(user, action, f"action {xmlid} ({role})")
                if error:
                    errors.append(error)
        self.assertFalse(errors, "\n\n".join(errors))

    def test_a_role_sees_no_menu_it_may_not_open(self):
        """A menu shown to a role opens (access errors included): the menus whose model a
        role may not read are hidden by their groups, not by an error."""
        for role, user in self.roles.items():
            for menu in self.reachable_menus(user).filtered("action"):
                action = menu.action
                if action._name == "ir.actions.act_window":
                    model = self.env[action.res_model].with_user(user)
                    self.assertTrue(
                        model.has_access("read"),
                        f"{role} sees menu {self.menu_xmlids[menu.id]} but may not read "
                        f"{action.res_model}",
                    )


@tagged("post_install", "-at_install")
class TestClickEverythingInTheBrowser(HttpCase):
    """Odoo's clickbot over our three apps, as the administrator, in one browser start:
    every menu, every view switch and every filter; a JS error or an error dialog fails."""

    def test_clickbot_over_our_apps(self):
        self.assertTrue(
            any(shutil.which(name) for name in CHROME_NAMES),
            "Chromium is needed for the click-everything test (apt-get install chromium)",
        )
        admin = self.env.ref("base.user_admin")
        if "tour_enabled" in admin._fields:
            admin.tour_enabled = False
        apps = [
            "msp_sla.msp_sla_menu_root",
            "msp_it_audit.msp_it_audit_menu_root",
            "msp_service_contract.msp_service_contract_menu_root",
        ]
        code = f"const apps = {json.dumps(apps)};\n{CLICKBOT_CHAIN}"
        self.browser_js(
            "/odoo",
            code,
            "odoo.isReady === true",
            login="admin",
            timeout=600,
            success_signal="clickbot test succeeded",
        )
