import { effect } from '@preact/signals';
import { render } from 'preact';
import { language, t } from './i18n/i18n.js';
import { Phone } from './phone.js';
import './ui/app.css';
import { LoginScreen } from './ui/login-screen.js';
import { Shell } from './ui/shell.js';
import { registerServiceWorker, reloadWhenTooOld } from './ui/updates.js';

function App({ phone }: { phone: Phone }) {
  return phone.login.value === undefined ? <LoginScreen phone={phone} /> : <Shell phone={phone} />;
}

const root = document.getElementById('app') as HTMLElement;
effect(() => {
  document.documentElement.lang = language.value;
  document.title = t.value.appName;
});
render(<p class="login">{t.value.loading}</p>, root);
registerServiceWorker();
void Phone.start().then((phone) => {
  reloadWhenTooOld(phone.tooOld, phone.busy);
  render(<App phone={phone} />, root);
});
