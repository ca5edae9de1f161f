"""Realistic names, accounts, stock items and events for the demo organisation."""

from __future__ import annotations

FIRST_NAMES = (
    "Linh", "Minh", "An", "Hoa", "Tuan", "Ngoc", "Thu", "Duc", "Wei", "Jing", "Li", "Chen",
    "Mei", "Sarah", "David", "Maria", "James", "Emily", "Omar", "Priya", "Grace", "Lucas",
)
LAST_NAMES = (
    "Tran", "Nguyen", "Le", "Pham", "Hoang", "Vo", "Dang", "Zhang", "Wang", "Liu", "Chen",
    "Smith", "Garcia", "Johnson", "Brown", "Patel", "Khan", "Martin",
)

# Department code -> (position titles, accounts as (code, name, category)).
DEPARTMENTS: dict[str, tuple[tuple[str, ...], tuple[tuple[str, str, str], ...]]] = {
    "FIN": (("Chief Accountant", "Accountant", "Accounts Payable Clerk", "Treasury Analyst"),
            (("6100", "Salaries and wages", "Personnel"), ("6410", "Audit fees", "Operations"),
             ("6420", "Bank charges", "Other"), ("6500", "ERP licences", "IT"),
             ("6300", "Travel to subsidiaries", "Travel"), ("6400", "CPA courses", "Training"))),
    "HR": (("HR Manager", "HR Generalist", "Recruiter", "Payroll Officer"),
           (("6100", "Salaries and wages", "Personnel"), ("6120", "Recruitment fees", "Personnel"),
            ("6400", "Leadership training", "Training"), ("6700", "Employer branding", "Marketing"),
            ("6300", "Campus recruiting travel", "Travel"))),
    "ADMIN": (("Office Manager", "Receptionist", "Administrative Assistant"),
              (("6100", "Salaries and wages", "Personnel"), ("6200", "Office supplies", "Operations"),
               ("6210", "Courier and postage", "Operations"), ("6600", "Cleaning", "Facilities"))),
    "IT": (("IT Manager", "Systems Administrator", "Support Analyst", "Developer"),
           (("6100", "Salaries and wages", "Personnel"), ("6500", "Software subscriptions", "IT"),
            ("6510", "Hardware maintenance", "IT"), ("1520", "Laptops", "Capital"),
            ("6400", "Certification training", "Training"))),
    "OPS": (("Operations Manager", "Logistics Coordinator", "Warehouse Supervisor", "Driver"),
            (("6100", "Salaries and wages", "Personnel"), ("6220", "Fuel", "Operations"),
             ("6230", "Vehicle maintenance", "Operations"), ("6300", "Site visits", "Travel"),
             ("1510", "Forklift", "Capital"))),
    "LEGAL": (("General Counsel", "Legal Counsel", "Paralegal"),
              (("6100", "Salaries and wages", "Personnel"), ("6430", "External counsel", "Other"),
               ("6440", "Filing fees", "Other"), ("6400", "Compliance training", "Training"))),
    "PROC": (("Procurement Manager", "Buyer", "Contracts Officer"),
             (("6100", "Salaries and wages", "Personnel"), ("6240", "Supplier audits", "Operations"),
              ("6300", "Supplier visits", "Travel"), ("6500", "e-Procurement platform", "IT"))),
    "FAC": (("Facilities Manager", "Maintenance Technician", "Security Officer", "Cleaner"),
            (("6100", "Salaries and wages", "Personnel"), ("6600", "Rent", "Facilities"),
             ("6610", "Electricity and water", "Facilities"), ("6620", "Repairs", "Facilities"),
             ("1530", "Air conditioning units", "Capital"))),
    "CS": (("Customer Service Lead", "Service Agent", "Quality Analyst"),
           (("6100", "Salaries and wages", "Personnel"), ("6500", "Helpdesk software", "IT"),
            ("6250", "Call charges", "Operations"), ("6400", "Service training", "Training"))),
}

ITEMS = (
    ("Copy paper A4", "Stationery", "box", "Hanoi Paper Co."),
    ("Toner cartridge 85A", "Printing", "pcs", "PrintWorks"),
    ("Hand sanitiser 500 ml", "Hygiene", "bottle", "CleanPro"),
    ("USB-C charger", "IT accessories", "pcs", "TechSource"),
    ("Coffee beans", "Pantry", "kg", "Highland Roasters"),
    ("Safety gloves", "Safety", "pair", "SafeWork"),
    ("LED tube 1.2 m", "Maintenance", "pcs", "BrightLite"),
    ("Whiteboard marker", "Stationery", "pcs", "Hanoi Paper Co."),
    ("Bottled water 20 l", "Pantry", "bottle", "AquaViet"),
    ("Network cable Cat6 3 m", "IT accessories", "pcs", "TechSource"),
    ("Printer paper A3", "Stationery", "box", "Hanoi Paper Co."),
    ("First aid kit", "Safety", "box", "SafeWork"),
    ("Air filter", "Maintenance", "pcs", "CoolAir"),
    ("Ballpoint pens", "Stationery", "box", "PrintWorks"),
)
STORES = ("Main store", "Floor 3 store", "Warehouse B")

EVENTS = (
    ("Meeting", "Monthly department meeting"), ("Meeting", "Budget review"),
    ("Training", "Excel for finance staff"), ("Training", "Fire safety drill"),
    ("Maintenance", "Air conditioning service"), ("Deadline", "Month-end close"),
    ("Shift", "Weekend support shift"), ("Meeting", "Supplier negotiation"),
    ("Other", "Team lunch"),
)
ROOMS = (
    "Boardroom", "Meeting Room 1", "Meeting Room 2", "Training Room", "Van 29A-123.45",
)
