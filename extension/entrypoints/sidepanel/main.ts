import { mountApp } from '../../app/mount-app.js';

mountApp('sidepanel');
