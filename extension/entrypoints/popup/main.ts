import { mountApp } from '../../app/mount-app.js';
import './popup.css';

mountApp('popup');
