import assert from "node:assert/strict";
import { test } from "node:test";
import { cookieRole, isDeletion, setCookies } from "../../../src/parsers/cookies.js";
import { csrfForms, pageTitle, postForms } from "../../../src/parsers/html-forms.js";

test("each Set-Cookie line is parsed on its own, expires commas included", () => {
  const cookies = setCookies([
    ["Set-Cookie", "csrftoken=abc; expires=Wed, 24 Nov 2027 16:41:55 GMT; Path=/; SameSite=Lax; Secure"],
    ["set-cookie", "sessionid=xyz; HttpOnly; Path=/"],
    ["Content-Type", "text/html"],
  ]);
  assert.deepEqual(
    cookies.map((c) => [c.name, c.secure ?? false, c.httpOnly ?? false, c.sameSite]),
    [
      ["csrftoken", true, false, "Lax"],
      ["sessionid", false, true, undefined],
    ],
  );
});

test("cookie roles follow Django's default and common custom names; deletions are recognised", () => {
  assert.equal(cookieRole("sessionid"), "session");
  assert.equal(cookieRole("__Host-csrftoken"), "csrf");
  assert.equal(cookieRole("theme"), undefined);
  assert.equal(isDeletion(setCookies([["Set-Cookie", "sessionid=; Max-Age=0"]])[0]!), true);
});

test("finds the CSRF field of POST forms only, with the form's action", () => {
  const html = `<title> Log in | Admin </title>
    <form method="get" action="/search"><input type="hidden" name="csrfmiddlewaretoken" value="nope"></form>
    <form action='/admin/login/?next=/admin/' METHOD=post>
      <input type=hidden name="csrfmiddlewaretoken" value="tok&amp;en">
    </form>`;
  assert.deepEqual(csrfForms(html), [{ token: "tok&en", action: "/admin/login/?next=/admin/" }]);
  assert.equal(pageTitle(html), "Log in | Admin");
});

test("postForms: every POST form with its token when it has one, GET forms left out", () => {
  const html = `<form action="/search/"><input name="q"></form>
    <form method="post" action="/newsletter/"><input type="email" name="email"><button>Join</button></form>
    <form method="POST"><input type="hidden" name="csrfmiddlewaretoken" value="abc"><input name="message"></form>`;
  assert.deepEqual(postForms(html), [{ action: "/newsletter/" }, { token: "abc" }]);
  assert.deepEqual(csrfForms(html), [{ token: "abc" }]);
});
