import { render } from 'preact';
import { Desk } from './desk.js';
import './ui/admin.css';
import { Dashboard } from './ui/dashboard.js';
import { LoginForm } from './ui/login-form.js';

function Admin({ desk }: { desk: Desk }) {
  return desk.loggedIn.value ? <Dashboard desk={desk} /> : <LoginForm desk={desk} />;
}

const desk = new Desk();
desk.resume();
render(<Admin desk={desk} />, document.getElementById('admin') as HTMLElement);
