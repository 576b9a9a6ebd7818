"""Job templates: starting points for a client posting a job. Data, not code: add a template
by adding a row. Each milestone carries its share of the budget in basis points, so a budget
splits into milestones in whole minor units with nothing lost or created."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from chalicelib.domain import categories

BudgetType = Literal["fixed", "hourly"]

BPS_WHOLE = 10_000
MILESTONES_RANGE = range(2, 6)
DOD_RANGE = range(3, 7)
SKILLS_RANGE = range(3, 7)


@dataclass(frozen=True)
class Milestone:
    title: str
    description: str
    share_bps: int
    duration_days: int
    dod: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "description": self.description,
            "share_bps": self.share_bps,
            "duration_days": self.duration_days,
            "dod": list(self.dod),
        }


@dataclass(frozen=True)
class JobTemplate:
    slug: str
    title: str
    description: str
    category: str
    skills: tuple[str, ...]
    milestones: tuple[Milestone, ...]
    budget_type: BudgetType = "fixed"

    def to_json(self) -> dict[str, Any]:
        return {
            "slug": self.slug,
            "title": self.title,
            "description": self.description,
            "category": self.category,
            "skills": list(self.skills),
            "budget_type": self.budget_type,
            "milestones": [milestone.to_json() for milestone in self.milestones],
        }


def _m(title: str, description: str, share_bps: int, days: int, *dod: str) -> Milestone:
    return Milestone(title, description, share_bps, days, dod)


TEMPLATES: tuple[JobTemplate, ...] = (
    JobTemplate(
        slug="saas-mvp",
        title="SaaS MVP",
        description=(
            "A first version of a subscription web product: accounts, the one core workflow "
            "your customers pay for, and Stripe billing, live on your own domain and cloud "
            "account so you can start onboarding paying users."
        ),
        category="development.web",
        skills=("python", "react", "postgresql", "stripe", "aws"),
        milestones=(
            _m(
                "Scope and clickable prototype",
                "Pin down what the MVP does and does not do, and agree the core screens "
                "before any production code is written.",
                1000,
                5,
                "Written scope listing every MVP feature and what is out of scope",
                "Clickable prototype of the core screens, approved by the client",
                "Data model diagram for users, workspaces and the core records",
                "List of third-party services (auth, email, payments) with monthly costs",
            ),
            _m(
                "Accounts and core workflow",
                "Sign-up and the core workflow working end to end on a staging environment.",
                3500,
                14,
                "Sign-up, login, password reset and email verification work on a staging URL "
                "the client can open",
                "A test user can complete the core workflow end to end",
                "Each workspace's data is isolated, with an automated test proving it",
                "Automated tests run in CI on every push and pass",
            ),
            _m(
                "Billing and admin",
                "Subscriptions through Stripe and the admin tools needed to support customers.",
                2500,
                10,
                "Stripe subscription checkout for every agreed plan, tested in Stripe test mode",
                "Webhooks handle renewal, failed payment and cancellation",
                "Admin page to look up a user and see their subscription status",
                "Welcome, receipt and password-reset emails sent from the client's domain",
            ),
            _m(
                "Launch and handover",
                "Production deployment on accounts the client owns, with monitoring and "
                "documentation so another developer could take over.",
                3000,
                7,
                "Production live on the client's domain and cloud account with HTTPS",
                "Error tracking and uptime monitoring alert the client's email",
                "Daily database backups, with one restore tested",
                "README with local setup, environment variables and deploy steps",
                "All source code pushed to the client's repository",
            ),
        ),
    ),
    JobTemplate(
        slug="shopify-app",
        title="Shopify app",
        description=(
            "A custom or public Shopify app embedded in the merchant admin, using OAuth "
            "install, the Admin GraphQL API and webhooks, ready for your store or for "
            "Shopify App Store review."
        ),
        category="development.ecommerce",
        skills=("shopify", "graphql", "typescript", "remix", "polaris"),
        milestones=(
            _m(
                "App setup and install flow",
                "The app skeleton installs on a development store and loads inside the "
                "Shopify admin.",
                2000,
                5,
                "App created in the client's Shopify Partner account",
                "Installs on a development store via OAuth requesting only the agreed scopes",
                "Embedded admin page loads inside Shopify admin using App Bridge and Polaris",
                "Mandatory GDPR webhooks (customers/data_request, customers/redact, "
                "shop/redact) answered",
            ),
            _m(
                "Core features",
                "The features in the agreed specification, working against real store data.",
                4500,
                14,
                "Every feature in the agreed specification works on the development store",
                "Shop data read and written through the Admin GraphQL API within rate limits",
                "Webhooks verified by HMAC and processed idempotently",
                "Any theme or checkout extension in scope works without editing theme code",
            ),
            _m(
                "Billing, review and launch",
                "Charging merchants, clean uninstall, and everything needed for production "
                "and App Store review.",
                3500,
                7,
                "Recurring charge through the Shopify Billing API, verified with a test charge",
                "Uninstalling removes the shop's data and webhooks",
                "App listing copy, screenshots and privacy policy URL ready for review",
                "Deployed to production with the app URL updated in the Partner dashboard",
                "README covering local development with the Shopify CLI and deployment",
            ),
        ),
    ),
    JobTemplate(
        slug="nextjs-site",
        title="Next.js site",
        description=(
            "A fast marketing or content website built with Next.js from approved designs, "
            "with a headless CMS so your team can edit pages without a developer."
        ),
        category="development.web",
        skills=("nextjs", "react", "typescript", "tailwindcss", "headless-cms"),
        milestones=(
            _m(
                "Setup and design system",
                "Project foundations, shared components and CMS content models.",
                2500,
                5,
                "Repository set up with Next.js, TypeScript, linting and formatting",
                "Header, footer, buttons and typography match the approved designs",
                "Preview deployment on a URL the client can open, updated on every push",
                "CMS content models agreed with the client and created",
            ),
            _m(
                "Pages and CMS",
                "Every page in the sitemap built and editable from the CMS.",
                5000,
                12,
                "Every page in the sitemap built and responsive on mobile, tablet and desktop",
                "Editors can change page content in the CMS and see it live without a redeploy",
                "Contact form delivers to the client's inbox and is protected against spam",
                "Images served through next/image in modern formats",
            ),
            _m(
                "Launch",
                "Performance, SEO and the switch to the client's domain.",
                2500,
                4,
                "Lighthouse mobile scores of 90+ for performance, accessibility and SEO on the "
                "home page",
                "Titles, meta descriptions, Open Graph images, sitemap.xml and robots.txt set",
                "Redirects in place from the old site's URLs",
                "Live on the client's domain with HTTPS and analytics",
                "README with setup, environment variables and how to edit content",
            ),
        ),
    ),
    JobTemplate(
        slug="rest-api",
        title="REST API",
        description=(
            "A documented REST API with authentication, validation and automated tests, ready "
            "for your web or mobile app, or third-party integrators, to build on."
        ),
        category="development.backend",
        skills=("python", "fastapi", "postgresql", "openapi", "docker"),
        milestones=(
            _m(
                "API design",
                "Agree the contract before building it: endpoints, data model and conventions.",
                1500,
                4,
                "OpenAPI specification of every endpoint, request and response, approved by "
                "the client",
                "Database schema documented",
                "Error format and pagination conventions agreed",
                "Authentication method agreed (API keys, OAuth 2 or JWT)",
            ),
            _m(
                "Implementation",
                "Every endpoint in the approved specification, with tests.",
                5500,
                15,
                "Every endpoint in the approved specification implemented and matching it",
                "Invalid input returns a 4xx error in the agreed format",
                "Authentication and per-user authorisation enforced on every protected endpoint",
                "Database migrations run cleanly on an empty database",
                "Automated tests for every endpoint run in CI and pass",
            ),
            _m(
                "Deployment and documentation",
                "A running staging API and the documentation integrators need.",
                3000,
                5,
                "Deployed to a staging URL the client can call",
                "Interactive API docs published from the OpenAPI specification",
                "Rate limiting and request logging enabled",
                "Dockerfile and README with local setup and deployment steps",
                "Postman or HTTP collection with an example request for every endpoint",
            ),
        ),
    ),
    JobTemplate(
        slug="data-pipeline",
        title="Data pipeline",
        description=(
            "An automated pipeline that pulls data from your sources, cleans it and loads it "
            "into a warehouse on a schedule, so every report is built on one trusted copy of "
            "the data."
        ),
        category="development.data",
        skills=("python", "sql", "airflow", "dbt", "bigquery"),
        milestones=(
            _m(
                "Source audit and design",
                "Understand every source and agree the warehouse model and freshness targets.",
                1500,
                5,
                "Every source listed with access method, volume and update frequency",
                "Warehouse schema documented with each table's grain and keys",
                "Data quality problems found in samples reported to the client",
                "Schedule and data freshness targets agreed in writing",
            ),
            _m(
                "Ingestion",
                "Raw data from every source landing in the warehouse, incrementally.",
                3500,
                10,
                "Each source loaded incrementally into raw tables in the warehouse",
                "Re-running a load for the same period creates no duplicate rows",
                "Credentials kept in a secrets manager, not in code",
                "Historical backfill completed for the agreed period",
            ),
            _m(
                "Transformation and tests",
                "Clean, modelled tables that reconcile with the source systems.",
                3000,
                10,
                "Modelled tables built with dbt or equivalent SQL models in version control",
                "Uniqueness, not-null and accepted-value tests on key columns pass",
                "Row counts reconcile with the sources for a period the client chooses",
                "Data dictionary describing every output table and column",
            ),
            _m(
                "Orchestration and handover",
                "The pipeline runs on its own, and the client's team knows what to do when "
                "it does not.",
                2000,
                5,
                "Pipeline runs on the agreed schedule with no manual steps",
                "Failures send an alert to the client's email or Slack",
                "Run history and logs visible to the client",
                "Runbook covering re-running a failed day and adding a new source",
            ),
        ),
    ),
    JobTemplate(
        slug="llm-app",
        title="LLM app",
        description=(
            "An application built on a large language model, such as a support assistant or "
            "question answering over your own documents, with retrieval, guardrails and "
            "answer quality measured against real questions."
        ),
        category="development.ai-ml",
        skills=("python", "llm", "rag", "vector-database", "prompt-engineering"),
        milestones=(
            _m(
                "Proof of concept and evaluation set",
                "Prove the approach on the client's data and agree how quality is measured.",
                2000,
                7,
                "Evaluation set of at least 50 real questions with expected answers, agreed "
                "with the client",
                "Prototype run against the evaluation set, with accuracy reported",
                "Model and hosting recommendation with estimated cost per 1,000 requests",
                "Written note of what data is sent to the model provider and what is kept",
            ),
            _m(
                "Retrieval and application",
                "The client's documents indexed and answered from, behind a usable interface.",
                4500,
                14,
                "Client documents indexed, with a script to re-index when they change",
                "Answers cite the source documents they were drawn from",
                "Chat interface or API endpoint on a staging URL the client can open",
                "Replies that it does not know when the sources do not hold the answer",
                "Accuracy on the evaluation set meets the agreed target",
            ),
            _m(
                "Guardrails, monitoring and launch",
                "Safe to put in front of real users, with costs capped and quality visible.",
                3500,
                7,
                "Prompt-injection and off-topic test cases handled as agreed",
                "Per-user rate limits and a monthly spending cap on the model API",
                "Conversations and user feedback (thumbs up / down) viewable by the client",
                "Deployed to production under the client's own model provider account",
                "README covering setup, re-indexing and re-running the evaluation",
            ),
        ),
    ),
    JobTemplate(
        slug="mobile-app",
        title="Mobile app",
        description=(
            "A cross-platform iOS and Android app built from approved designs, connected to "
            "your backend and published to the App Store and Google Play."
        ),
        category="development.mobile",
        skills=("react-native", "typescript", "ios", "android", "firebase"),
        milestones=(
            _m(
                "Setup and navigation",
                "A test build on the client's phone with every screen reachable.",
                1500,
                5,
                "Project builds for iOS and Android from a clean checkout",
                "Every screen in the approved designs reachable, with placeholder data",
                "Test build installable via TestFlight and Google Play internal testing",
                "App icon and splash screen in place",
            ),
            _m(
                "Core features",
                "Every screen in scope working against the live backend.",
                4500,
                20,
                "Every screen in scope implemented and connected to the live backend",
                "Sign-up, login and logout work, and the session survives an app restart",
                "Loading, empty and error states shown for every network request",
                "Works on the agreed minimum iOS and Android versions and on a small phone",
            ),
            _m(
                "Notifications, polish and QA",
                "Push notifications, crash reporting and a round of client testing.",
                2000,
                7,
                "Push notifications delivered on both iOS and Android",
                "Crash reporting enabled, with no open crashes in the latest test build",
                "Every issue from the client's test round fixed or agreed as out of scope",
                "Analytics events recorded for the agreed key actions",
            ),
            _m(
                "Store release",
                "The app live in both stores under the client's own developer accounts.",
                2000,
                5,
                "App published on the App Store and Google Play under the client's accounts",
                "Store listings, screenshots, privacy labels and data safety form completed",
                "Signing keys and certificates stored in the client's accounts",
                "README with build, release and environment configuration steps",
            ),
        ),
    ),
    JobTemplate(
        slug="devops-task",
        title="DevOps task",
        description=(
            "A defined piece of infrastructure work, such as setting up CI/CD, containerising "
            "an app or moving it to AWS with infrastructure as code, done so your own team "
            "can maintain it afterwards."
        ),
        category="development.devops",
        skills=("aws", "terraform", "docker", "github-actions", "linux"),
        milestones=(
            _m(
                "Assessment and plan",
                "Review the current setup and agree the target and the steps to reach it.",
                2000,
                3,
                "Written review of the current setup listing the risks found",
                "Target architecture diagram and step-by-step plan approved by the client",
                "Estimated monthly cloud cost of the target setup",
                "Rollback plan for every change that touches production",
            ),
            _m(
                "Implementation",
                "Infrastructure as code and a pipeline that deploys to staging and production.",
                5500,
                10,
                "Infrastructure defined as code in the client's repository, with no manual "
                "console changes",
                "CI runs tests and builds on every pull request",
                "Pipeline deploys to staging and, after approval, to production",
                "Secrets held in a secrets manager, none in the repository or CI logs",
                "Staging environment working end to end",
            ),
            _m(
                "Cutover and handover",
                "Production switched over, observable, and understood by the client's team.",
                2500,
                4,
                "Production switched over within the agreed downtime window",
                "Dashboards and alerts for errors, latency and resource usage",
                "Backups configured, with one restore tested",
                "Runbook for deploy, rollback and common incidents, walked through with the "
                "client's team",
            ),
        ),
    ),
    JobTemplate(
        slug="security-audit",
        title="Security audit",
        description=(
            "A scoped security assessment of your web application and its API, following the "
            "OWASP testing guide, with a prioritised report and a retest after you fix the "
            "findings."
        ),
        category="development.security",
        skills=("penetration-testing", "owasp", "burp-suite", "web-security", "threat-modeling"),
        milestones=(
            _m(
                "Scoping and rules of engagement",
                "Agree in writing what is tested, when, how, and who to call.",
                1000,
                3,
                "Signed scope listing in-scope domains, APIs and user roles, and exclusions",
                "Testing window, environment and emergency contact agreed in writing",
                "Test accounts for every role provided and verified to work",
            ),
            _m(
                "Testing",
                "Manual and automated testing of everything in scope.",
                4500,
                10,
                "Every in-scope item tested against the OWASP Top 10 and testing guide",
                "Authentication, sessions and access control tested for every role",
                "Critical findings reported to the client within 24 hours of discovery",
                "No data changed or deleted outside the test accounts",
            ),
            _m(
                "Report",
                "A report that management can read and developers can act on.",
                3000,
                4,
                "Executive summary written for non-technical readers",
                "Each finding with CVSS severity, affected URL or endpoint, reproduction steps "
                "and evidence",
                "Specific remediation advice for each finding",
                "Walkthrough call held with the client's team",
            ),
            _m(
                "Retest",
                "Confirm the fixes work once the client has applied them.",
                1500,
                3,
                "Every critical and high finding retested after the client's fixes",
                "Updated report marking each finding fixed, partially fixed or open",
                "Letter of attestation summarising scope, dates and retest outcome",
            ),
        ),
    ),
)


def _problems(template: JobTemplate) -> list[str]:
    found: list[str] = []
    if not categories.is_known(template.category):
        found.append(f"unknown category {template.category!r}")
    if len(template.skills) not in SKILLS_RANGE:
        found.append("needs 3 to 6 skills")
    found.extend(f"skill {s!r} is not lowercase" for s in template.skills if s != s.lower())
    if len(template.milestones) not in MILESTONES_RANGE:
        found.append("needs 2 to 5 milestones")
    total = sum(m.share_bps for m in template.milestones)
    if total != BPS_WHOLE:
        found.append(f"milestone shares sum to {total}, not {BPS_WHOLE}")
    for milestone in template.milestones:
        if milestone.share_bps <= 0 or milestone.duration_days <= 0:
            found.append(f"{milestone.title!r}: share and duration must be positive")
        if len(milestone.dod) not in DOD_RANGE:
            found.append(f"{milestone.title!r}: needs 3 to 6 definition-of-done items")
    return found


def _validate(templates: tuple[JobTemplate, ...]) -> dict[str, JobTemplate]:
    by_slug: dict[str, JobTemplate] = {}
    for template in templates:
        if template.slug in by_slug:
            raise ValueError(f"duplicate job template slug {template.slug!r}")
        problems = _problems(template)
        if problems:
            raise ValueError(f"job template {template.slug!r}: {'; '.join(problems)}")
        by_slug[template.slug] = template
    return by_slug


BY_SLUG: dict[str, JobTemplate] = _validate(TEMPLATES)


def get(slug: str) -> JobTemplate | None:
    return BY_SLUG.get(slug)


def milestones_for(template: JobTemplate, total_amount: int) -> list[dict[str, Any]]:
    """Split `total_amount` (minor units) across the template's milestones by share. Each
    part is rounded down; the last milestone takes the remainder, so the parts sum exactly."""
    if total_amount < 0:
        raise ValueError("total_amount must not be negative")
    amounts = [total_amount * m.share_bps // BPS_WHOLE for m in template.milestones[:-1]]
    amounts.append(total_amount - sum(amounts))
    return [
        {
            "title": milestone.title,
            "description": milestone.description,
            "amount": amount,
            "duration_days": milestone.duration_days,
            "dod": list(milestone.dod),
        }
        for milestone, amount in zip(template.milestones, amounts, strict=True)
    ]
