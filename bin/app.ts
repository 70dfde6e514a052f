#!/usr/bin/env node
import { createReferenceApp } from './reference-app';

createReferenceApp().synth();
