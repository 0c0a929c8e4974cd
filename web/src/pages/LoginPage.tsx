// Login: a clear message for bad credentials (401) and for rate limiting
// (429, counting down the Retry-After wait, with the button disabled until
// then). After login the user returns where the session ended.
import { LoginForm, LoginPage as PfLoginPage } from "@patternfly/react-core";
import ExclamationCircleIcon from "@patternfly/react-icons/dist/esm/icons/exclamation-circle-icon";
import { useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate, useSearchParams } from "react-router";
import { ApiError } from "../api/ApiError.ts";
import { post } from "../api/client.ts";
import { paths } from "../api/paths.ts";
import { session } from "../api/session.ts";

export default function LoginPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const client = useQueryClient();
  const [params] = useSearchParams();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string>();
  const [waitUntil, setWaitUntil] = useState(0);
  const [now, setNow] = useState(Date.now());
  const [busy, setBusy] = useState(false);
  const wait = Math.max(0, Math.ceil((waitUntil - now) / 1000));
  useEffect(() => {
    if (!waitUntil) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [waitUntil]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!username || !password || wait > 0) {
      if (!username || !password) setError(t("login.missing"));
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const r = await post<{ token: string; expiresAt: string }>(paths.login, { username, password });
      session.set({ token: r.token, expiresAt: r.expiresAt, user: username });
      client.clear();
      const next = params.get("next");
      navigate(next?.startsWith("/") && !next.startsWith("//") ? next : "/clusters", { replace: true });
    } catch (err) {
      setBusy(false);
      if (err instanceof ApiError && err.code === 429) {
        setWaitUntil(Date.now() + (err.retryAfter ?? 60) * 1000);
        setNow(Date.now());
        setError("rateLimited");
      } else if (err instanceof ApiError && err.code === 401) setError(t("login.invalid"));
      else setError(t("login.failed", { message: (err as Error).message }));
    }
  };

  const message = error === "rateLimited" ? (wait > 0 ? t("login.rateLimited", { count: wait }) : t("login.tryAgain")) : error;
  return (
    <PfLoginPage
      brandImgSrc="/logo.svg"
      brandImgProps={{ alt: "kpanda" }}
      loginTitle={t("login.title")}
      loginSubtitle={t("login.subtitle")}
      textContent={t("login.about")}
    >
      <LoginForm
        showHelperText={!!message}
        helperText={message}
        helperTextIcon={<ExclamationCircleIcon />}
        usernameLabel={t("login.username")}
        usernameValue={username}
        onChangeUsername={(_e, v) => setUsername(v)}
        isValidUsername={error !== t("login.invalid")}
        passwordLabel={t("login.password")}
        passwordValue={password}
        onChangePassword={(_e, v) => setPassword(v)}
        isValidPassword={error !== t("login.invalid")}
        isShowPasswordEnabled
        showPasswordAriaLabel={t("login.showPassword")}
        hidePasswordAriaLabel={t("login.hidePassword")}
        loginButtonLabel={t("login.submit")}
        isLoginButtonDisabled={busy || wait > 0}
        onLoginButtonClick={submit}
      />
    </PfLoginPage>
  );
}
