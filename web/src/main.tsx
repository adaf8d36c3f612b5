import { render } from 'preact';

render(<main>TrainLag</main>, document.getElementById('app') as HTMLElement);
