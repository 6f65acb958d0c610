import { describe, expect, it } from "vitest";
import { anchorsIn, checkLinks, githubSlug, linksIn } from "../markdown.ts";

describe("the link check", () => {
  const pages = new Map([
    [
      "README.md",
      "# Docs\n\nSee [the table](lifecycle/t.md#session-paid-confirm) and [Why](#why-it-matters).\n\n## Why it matters\n",
    ],
    [
      "lifecycle/t.md",
      '# T\n\n| <a id="session-paid-confirm"></a>`CONFIRM` |\n\nBack to [docs](../README.md).\n',
    ],
  ]);
  const none = () => null;

  it("passes when every file and anchor exists", () => {
    expect(checkLinks(pages, none)).toEqual([]);
  });

  it("names the page, the link and what is missing: a file, an anchor", () => {
    const broken = new Map(pages);
    broken.set(
      "guides/g.md",
      "[gone](../lifecycle/gone.md) [no anchor](../lifecycle/t.md#session-paid-cancel)",
    );
    expect(checkLinks(broken, none)).toEqual([
      { page: "guides/g.md", link: "../lifecycle/gone.md", reason: "lifecycle/gone.md does not exist" },
      {
        page: "guides/g.md",
        link: "../lifecycle/t.md#session-paid-cancel",
        reason: "lifecycle/t.md has no anchor #session-paid-cancel",
      },
    ]);
  });

  it("reads files outside the pages through readOther, and skips external links and code", () => {
    const page = new Map([
      [
        "g.md",
        "[pkg](../packages/x/README.md#usage) [web](https://example.org/x) `[not](a-link.md)`\n```\n[nor](this.md)\n```\n",
      ],
    ]);
    expect(checkLinks(page, (p) => (p === "../packages/x/README.md" ? "## Usage\n" : null))).toEqual([]);
    expect(linksIn(page.get("g.md") ?? "")).toEqual([
      "../packages/x/README.md#usage",
      "https://example.org/x",
    ]);
  });

  it("slugs headings as GitHub does", () => {
    expect(githubSlug("3. Run the contracts against your server (a Go server, for example)")).toBe(
      "3-run-the-contracts-against-your-server-a-go-server-for-example",
    );
    expect(githubSlug("merchant-webhook-handler → payments-v2-api")).toBe(
      "merchant-webhook-handler--payments-v2-api",
    );
    expect(githubSlug("`the clock reads`")).toBe("the-clock-reads");
    expect([...anchorsIn("## A\n## A\n")]).toEqual(["a", "a-1"]);
  });
});
