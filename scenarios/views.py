"""The rollout wizard: a dealer's answers about an outlet, step by step, to a plan that is applied
into CashBoxes.

Six steps, each one view and one template with two renderings: the full page, or for htmx only
the step area (the template's `step` partial, which carries its own hx-target, so every form and
link inside it swaps just that area and pushes its URL). Every answer is checked on the server;
a successful POST saves the answers in the WizardDraft and redirects to the next step (htmx
follows the redirect and pushes the final URL), so back and forward keep the answers and the
dealer can come back to a draft later. Without JavaScript the same pages are plain forms.

Drafts belong to the organization that works on them (WizardDraft.objects.for_user); plans and
outlets go through the same gate, so another dealer's draft or plan is a 404.
"""

import json
from dataclasses import asdict

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.generic import ListView

from cashboxes import catalog
from cashboxes.models import CashBox, Outlet
from cashboxes.views.outlets import changeable_operators
from portal.tenancy import CHANGE, VIEW
from portal.views.base import ScopeMixin, TenantActionView, TenantObjectMixin
from scenarios import advisor, apply, definitions, planner
from scenarios.forms import (
    MachinesStepForm,
    OutletStepForm,
    PlanReviewForm,
    ScenarioChoiceForm,
    SigningStepForm,
    client_limit,
    inputs_from,
)
from scenarios.models import Plan, WizardDraft
from scenarios.topology import render_plan

STEPS = (
    ("outlet", gettext_lazy("Outlet")),
    ("machines", gettext_lazy("Machines")),
    ("signing", gettext_lazy("Signing and load")),
    ("scenarios", gettext_lazy("Scenarios")),
    ("plan", gettext_lazy("Plan")),
    ("apply", gettext_lazy("Apply")),
)
STEP_INDEX = {name: n for n, (name, _label) in enumerate(STEPS)}
# Above this many machines the scenario cards show no drawing (each one is a plan of its own);
# the plan's drawing is on the review step.
PREVIEW_MACHINES = 40


def step_url(draft, step):
    return reverse(f"wizard-{step}", args=[draft.pk])


class Progress:
    """What a draft's answers amount to: the outlet, the advisor's inputs, the plan, and the last
    step that can be opened (every step before it is answered)."""

    def __init__(self, draft, user):
        self.draft = draft
        answers = draft.answers
        self.outlet = None
        if answers.get("outlet"):
            outlets = Outlet.objects.for_user(user, VIEW).select_related("operator")
            self.outlet = outlets.filter(pk=answers["outlet"]).first()
        self.country = catalog.country(self.outlet.country) if self.outlet else None
        self.plan = None
        if draft.plan_id:
            self.plan = Plan.objects.for_user(user, VIEW).select_related("outlet").filter(pk=draft.plan_id).first()
        self.inputs = self._inputs()
        self.option = self.country.signing_option(answers.get("signing")) if self.country else None

    def _inputs(self):
        if self.country is None:
            return None
        try:
            return inputs_from(self.draft.answers, self.country.code)
        except (KeyError, TypeError, ValueError):
            return None

    @property
    def applied(self):
        return bool(self.plan and self.plan.applied_at)

    @property
    def reachable(self):
        """The index of the last step that can be opened."""
        if self.outlet is None:
            return STEP_INDEX["outlet"]
        if "pos_systems" not in self.draft.answers:
            return STEP_INDEX["machines"]
        if self.inputs is None or self.option is None or advisor.validate(self.inputs):
            return STEP_INDEX["signing"]
        if self.plan is None:
            return STEP_INDEX["scenarios"]
        return STEP_INDEX["apply"]

    def steps(self, current):
        reachable = self.reachable
        return [
            {
                "name": name,
                "label": label,
                "number": n + 1,
                "url": step_url(self.draft, name) if n <= reachable else None,
                "current": name == current,
                "done": n < reachable or (name == "apply" and self.applied),
            }
            for n, (name, label) in enumerate(STEPS)
        ]

    def summary(self):
        """The answers so far, as (label, value) pairs for the head of every step."""
        answers, rows = self.draft.answers, []
        if self.outlet:
            rows.append((_("PosOperator"), self.outlet.operator.name))
            rows.append((_("Outlet"), f"{self.outlet} · {self.outlet.city}"))
            rows.append((_("Country"), self.country.name if self.country else self.outlet.country))
        if "pos_systems" in answers:
            pos, terminals = answers["pos_systems"], answers["terminals"]
            machines = [
                ngettext("%(n)d POS system", "%(n)d POS systems", pos) % {"n": pos},
                ngettext("%(n)d terminal", "%(n)d terminals", terminals) % {"n": terminals},
            ]
            if answers.get("has_server"):
                machines.append(_("a virtual server") if answers.get("virtualised_server") else _("a server"))
            rows.append((_("Machines"), ", ".join(machines)))
        if self.option:
            rows.append((_("Signing"), str(self.option.label)))
            peak = answers.get("peak_receipts_per_minute")
            if peak is not None:
                rows.append((_("Peak"), _("%(n)s receipts a minute") % {"n": f"{float(peak):g}"}))
        if self.plan:
            rows.append((_("Scenario"), _scenario_name(self.plan.scenario)))
        return rows


def _scenario_name(scenario_id):
    scenario = definitions.get(scenario_id)
    return str(scenario.name) if scenario else scenario_id


def _normalised(inputs):
    return json.loads(json.dumps(asdict(inputs)))


# ------------------------------------------------------------------ start page and drafts


class WizardDraftListView(ScopeMixin, ListView):
    """The wizard's start page: start a plan, or resume one of the organization's drafts."""

    template_name = "scenarios/wizard.html"
    paginate_by = 25
    context_object_name = "drafts"

    def get_queryset(self):
        return WizardDraft.objects.for_user(self.request.user, VIEW).select_related("user", "plan")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        drafts = context["drafts"]
        ids = {d.answers.get("outlet") for d in drafts if d.answers.get("outlet")}
        outlets = Outlet.objects.for_user(self.request.user, VIEW).select_related("operator").in_bulk(ids) if ids else {}
        outlets = {str(pk): outlet for pk, outlet in outlets.items()}
        labels = dict(STEPS)
        for draft in drafts:
            draft.outlet = outlets.get(draft.answers.get("outlet"))
            draft.resume_url = step_url(draft, draft.step if draft.step in STEP_INDEX else "outlet")
            draft.step_label = labels.get(draft.step, "")
            draft.scenario_name = _scenario_name(draft.plan.scenario) if draft.plan else ""
        user = self.request.user
        context["can_discard"] = self.scope.allows(CHANGE)
        context["can_start"] = context["can_discard"] and changeable_operators(user).exists()
        context["steps"] = STEPS
        return context


class WizardStartView(ScopeMixin, View):
    """POST: a new draft for the active organization, then its first step."""

    http_method_names = ["post"]
    required_action = CHANGE

    def post(self, request):
        operators = list(changeable_operators(request.user)[:2])
        if not operators:
            raise PermissionDenied
        answers = {"operator": str(operators[0].pk)} if len(operators) == 1 else {}
        draft = WizardDraft.objects.create(owner=self.scope.organization, user=request.user, answers=answers)
        return redirect(step_url(draft, "outlet"))


class WizardDraftDeleteView(TenantActionView):
    """POST: discard a draft (and its plan, unless that was applied)."""

    model = WizardDraft

    def act(self, request, draft):
        with transaction.atomic():
            plan = draft.plan
            draft.delete()
            if plan and not plan.applied_at:
                plan.delete()
        messages.success(request, _("Draft discarded."))
        return redirect("wizard")


# ------------------------------------------------------------------ steps


class WizardStepView(TenantObjectMixin, View):
    """One step of a draft. GET shows it (a later step than the answers allow redirects to the
    first one to answer); POST checks the form, saves the answers and goes on."""

    model = WizardDraft
    step = ""

    @property
    def object_action(self):
        return CHANGE if self.request.method == "POST" else VIEW

    @property
    def template_name(self):
        return f"scenarios/wizard_{self.step}.html"

    def load(self):
        """The draft and its progress; a redirect when this step cannot be opened yet."""
        self.draft = self.get_object()
        self.progress = Progress(self.draft, self.request.user)
        reachable = self.progress.reachable
        if STEP_INDEX[self.step] > reachable:
            return redirect(step_url(self.draft, STEPS[reachable][0]))
        return None

    def get(self, request, pk):
        return self.load() or self.render(self.get_form())

    def post(self, request, pk):
        answer = self.load()
        if answer:
            return answer
        if self.progress.applied and self.step != "apply":
            messages.error(request, _("This draft was applied; start a new one to plan again."))
            return redirect(step_url(self.draft, "apply"))
        form = self.get_form(request.POST)
        if form is not None and form.is_valid():
            return self.form_valid(form)
        return self.invalid(form)

    def invalid(self, form, **extra):
        # htmx swaps only 2xx answers: the step comes back with its messages as 200.
        return self.render(form, status=200 if self.request.htmx else 400, **extra)

    def get_form(self, data=None):
        return None

    def form_valid(self, form):  # pragma: no cover - every step with a form defines it
        raise NotImplementedError

    def advance(self, to, **answers):
        """Save the answers (dropping a plan they no longer match) and go to step `to`."""
        self.draft.answers = {**self.draft.answers, **answers}
        self.draft.step = to
        self.drop_stale_plan()
        self.draft.save()
        return redirect(step_url(self.draft, to))

    def drop_stale_plan(self):
        plan = self.progress.plan
        if plan is None or plan.applied_at:
            return
        now = Progress(self.draft, self.request.user)
        if now.outlet is None or now.inputs is None or (plan.outlet_id, plan.inputs) != (now.outlet.pk, _normalised(now.inputs)):
            self.draft.plan = None
            self.draft.answers.pop("scenario", None)
            plan.delete()

    def context(self):
        return {}

    def render(self, form, status=200, **extra):
        progress = self.progress
        context = {
            "draft": self.draft,
            "progress": progress,
            "steps": progress.steps(self.step),
            "summary": progress.summary(),
            "step": self.step,
            "step_number": STEP_INDEX[self.step] + 1,
            "form": form,
            "locked": progress.applied and self.step != "apply",
            "can_change": WizardDraft.objects.allowed(self.request.user, self.draft, CHANGE),
            "previous_url": step_url(self.draft, STEPS[STEP_INDEX[self.step] - 1][0]) if self.step != "outlet" else None,
            **self.context(),
            **extra,
        }
        template = f"{self.template_name}#step" if self.request.htmx else self.template_name
        return render(self.request, template, context, status=status)


class OutletStepView(WizardStepView):
    step = "outlet"

    def get_form(self, data=None, operator=None):
        """`operator` (or ?operator=): the operator whose outlets to list, before one is saved."""
        operator = operator or self.request.GET.get("operator")
        answers = self.draft.answers
        initial = {"operator": operator or answers.get("operator"), "outlet": answers.get("outlet")}
        if self.progress.outlet and not operator:
            initial["operator"] = str(self.progress.outlet.operator_id)
        form = OutletStepForm(data, user=self.request.user, initial={k: v for k, v in initial.items() if v})
        # With htmx, choosing the operator lists its outlets at once (without: "Show its outlets").
        form.fields["operator"].widget.attrs.update({"hx-get": self.request.path, "hx-trigger": "change", "hx-push-url": "false"})
        return form

    def post(self, request, pk):
        if "show" not in request.POST:
            return super().post(request, pk)
        # Without JavaScript: list the chosen operator's outlets; nothing is saved.
        return self.load() or self.render(self.get_form(operator=request.POST.get("operator")))

    def form_valid(self, form):
        outlet = form.cleaned_data["outlet_object"]
        return self.advance("machines", operator=str(outlet.operator_id), outlet=str(outlet.pk))

    def context(self):
        return {"can_create_outlet": changeable_operators(self.request.user).exists()}


class MachinesStepView(WizardStepView):
    step = "machines"
    fields = ("pos_systems", "terminals", "has_server", "virtualised_server", "internet", "data_centre")

    def get_form(self, data=None):
        initial = {name: self.draft.answers[name] for name in self.fields if name in self.draft.answers}
        return MachinesStepForm(data, country=self.progress.outlet.country, initial=initial)

    def form_valid(self, form):
        values = {name: form.cleaned_data.get(name, False) for name in self.fields}
        return self.advance("signing", **values)


class SigningStepView(WizardStepView):
    step = "signing"
    fields = ("signing", "peak_receipts_per_minute", "monthly_receipts")

    def get_form(self, data=None):
        initial = {name: self.draft.answers[name] for name in self.fields if name in self.draft.answers}
        return SigningStepForm(data, country=self.progress.country, machines=self.draft.answers, initial=initial)

    def form_valid(self, form):
        return self.advance("scenarios", **{name: form.cleaned_data.get(name) for name in self.fields})


class ScenariosStepView(WizardStepView):
    """The ranked scenarios side by side; "Choose" makes the plan of one of them."""

    step = "scenarios"

    def get_form(self, data=None):
        self.assessments = advisor.assess(self.progress.inputs)
        return ScenarioChoiceForm(data, assessments=self.assessments)

    def form_valid(self, form):
        scenario = form.cleaned_data["scenario"]
        progress, user = self.progress, self.request.user
        plan = progress.plan
        if plan and plan.scenario == scenario and plan.inputs == _normalised(progress.inputs):
            return self.advance("plan", scenario=scenario)
        outlet = Outlet.objects.for_user(user, CHANGE).filter(pk=progress.outlet.pk).first()
        if outlet is None:
            raise PermissionDenied
        try:
            self.draft.plan = apply.make_plan(scenario, progress.inputs, outlet, user)
        except planner.PlanError as error:
            form.add_error("scenario", str(error))
            return self.invalid(form)
        if plan:  # another scenario, or other answers: the earlier plan goes
            plan.delete()
            self.progress.plan = None
        return self.advance("plan", scenario=scenario)

    def context(self):
        inputs, outlet = self.progress.inputs, self.progress.outlet
        allowed = [item for item in self.assessments if item["allowed"]]
        refused = [item for item in self.assessments if not item["allowed"]]
        chosen = self.progress.plan.scenario if self.progress.plan else None
        previews = inputs.pos_systems + inputs.terminals <= PREVIEW_MACHINES
        if previews:
            place = {"number": outlet.number, "country": outlet.country, "siret": outlet.siret}
            for item in allowed:
                try:
                    item["drawing"] = render_plan(planner.plan(item["id"], inputs, place, (), item))
                except planner.PlanError:
                    item["drawing"] = ""
        for item in allowed:
            item["chosen"] = item["id"] == chosen
        return {"allowed": allowed, "refused": refused, "previews": previews}


class PlanStepView(WizardStepView):
    """The plan to review: host names, platforms, SCU parameters, the drawing and what is left."""

    step = "plan"

    def get_form(self, data=None):
        complete = data is None or data.get("action") == "next"
        return PlanReviewForm(data, plan=self.progress.plan, complete=complete)

    def form_valid(self, form):
        plan = self.progress.plan
        if not Plan.objects.allowed(self.request.user, plan, CHANGE):
            raise PermissionDenied
        apply.fill(plan, machines=form.machines(), parameters=form.parameters())
        if self.request.POST.get("action") == "next":
            return self.advance("apply")
        messages.success(self.request, _("Plan saved."))
        return self.advance("plan")

    def context(self):
        plan = self.progress.plan
        return {
            "plan": plan,
            "drawing": render_plan(plan.data),
            "problems": [] if plan.applied_at else apply.check(plan),
            "option": self.progress.option,
            "client_limit": client_limit(self.progress.option) if self.progress.option else "",
            "terminals": plan.data["terminals"],
        }


class ApplyStepView(WizardStepView):
    """GET: what applying creates, or what is in the way; after applying, the new CashBoxes.
    POST: apply (once: posting again creates nothing more)."""

    step = "apply"

    def post(self, request, pk):
        answer = self.load()
        if answer:
            return answer
        plan = self.progress.plan
        if not Plan.objects.allowed(request.user, plan, CHANGE):
            raise PermissionDenied
        if plan.applied_at:
            messages.info(request, _("This plan was applied already; nothing new was created."))
            return redirect(step_url(self.draft, "apply"))
        try:
            result = apply.apply(plan, request.user)
        except ValidationError as error:
            return self.invalid(None, problems=error.messages)
        self.draft.step = "apply"
        self.draft.save(update_fields=["step", "updated_at"])
        messages.success(request, _("Plan applied: %(n)d CashBoxes created.") % {"n": len(result["cashboxes"])})
        return redirect(step_url(self.draft, "apply"))

    def context(self):
        plan = self.progress.plan
        data = plan.data
        counts = [
            (_("CashBoxes"), len(data["cashboxes"])),
            (_("Queues"), len(data["queues"])),
            (_("SCUs"), len(data["scus"])),
            (_("Signing devices"), len(data["devices"])),
            (_("Terminals"), len(data["terminals"])),
        ]
        context = {"plan": plan, "counts": counts, "scenario_name": _scenario_name(plan.scenario)}
        if plan.applied_at:
            ids = (plan.result or {}).get("cashboxes", [])
            cashboxes = CashBox.objects.for_user(self.request.user, VIEW).filter(pk__in=ids).order_by("description")
            context["cashboxes"] = list(cashboxes.prefetch_related("queues", "scus"))
        else:
            context["problems"] = apply.check(plan)
        return context
